/**
 * Child process of `npm run bench:providers` (dist/bench/providers/bench-app.main.js).
 *
 *   BENCH_CHILD_MODE=app       the application (role from ASSAY_ROLE) with BenchProviderModule,
 *                              listening on PORT; prints one JSON line `{"bench":"listening","port"}`.
 *   BENCH_CHILD_MODE=overhead  boots the application without listening and measures
 *                              ProviderClient.call against calling the stub directly with fetch,
 *                              then prints one JSON line `{"bench":"overhead",...}` and exits.
 */
import 'reflect-metadata';
import { createApp } from '../../src/bootstrap';
import { loadConfig } from '../../src/common/config/app.config';
import { ProviderClient } from '../../src/providers/core/provider-client';
import { BENCH_PROVIDER_ID, BenchProviderModule } from './bench-provider.module';

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const stats = (samples: number[]) => {
  const s = [...samples].sort((a, b) => a - b);
  return { p50: percentile(s, 50), p90: percentile(s, 90), p99: percentile(s, 99) };
};

async function overhead(): Promise<void> {
  const config = loadConfig(process.env);
  const app = await createApp(config, [BenchProviderModule]);
  try {
    const client = app.get(ProviderClient);
    const base = process.env.BENCHSTUB_BASE_URL!;
    const n = Number(process.env.BENCH_OVERHEAD_CALLS ?? 1000);
    const run = `${process.pid}-${Date.now().toString(36)}`;
    const direct = async (domain: string) => {
      const res = await fetch(`${base}/lookup`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ domain }),
      });
      JSON.parse(await res.text());
    };
    const wrapped = (domain: string) =>
      client.call(BENCH_PROVIDER_ID, {
        capability: 'company.profile',
        operation: 'lookup',
        input: { domain },
      });
    const time = async (fn: () => Promise<unknown>) => {
      const t0 = performance.now();
      await fn();
      return performance.now() - t0;
    };
    for (let i = 0; i < 200; i++) {
      await direct(`warm-${run}-${i}.example`);
      await wrapped(`warm-${run}-${i}.example`);
    }
    const d: number[] = [];
    const w: number[] = [];
    const hit: number[] = [];
    for (let i = 0; i < n; i++) {
      // Alternate the order so neither side always runs on a warmer connection.
      const domain = `ovh-${run}-${i}.example`;
      if (i % 2) {
        d.push(await time(() => direct(domain)));
        w.push(await time(() => wrapped(domain)));
      } else {
        w.push(await time(() => wrapped(domain)));
        d.push(await time(() => direct(domain)));
      }
      hit.push(await time(() => wrapped(domain)));
    }
    const direct_ms = stats(d);
    const client_ms = stats(w);
    console.log(
      JSON.stringify({
        bench: 'overhead',
        calls: n,
        direct_ms,
        client_ms,
        cache_hit_ms: stats(hit),
        overhead_p50_ms: client_ms.p50 - direct_ms.p50,
      }),
    );
  } finally {
    await app.close();
  }
}

async function serve(): Promise<void> {
  const config = loadConfig(process.env);
  const app = await createApp(config, [BenchProviderModule]);
  await app.listen(config.PORT, config.HOST);
  const { port } = app.getHttpServer().address() as { port: number };
  console.log(JSON.stringify({ bench: 'listening', port, pid: process.pid }));
}

(process.env.BENCH_CHILD_MODE === 'overhead' ? overhead() : serve()).catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exit(1);
});
