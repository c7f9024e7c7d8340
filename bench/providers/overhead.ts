/**
 * (3) wrapper overhead per call: ProviderClient.call against the stub (no rate limit, no delay)
 * vs calling the stub directly with fetch, measured in a child process (BENCH_CHILD_MODE=overhead).
 */
import { fmt, log } from '../support/common';
import { Child } from './child';
import { rows, verdict } from './report';
import { appEnv, OVERHEAD_CALLS } from './settings';
import { VendorStub } from './vendor-stub';

export async function overheadRun(): Promise<void> {
  const stub = await new VendorStub(0, 0).start();
  log(`(3) wrapper overhead: ${fmt(OVERHEAD_CALLS)} calls each way, no rate limit, no stub delay`);
  const child = new Child(
    'overhead',
    appEnv({
      ASSAY_ROLE: 'api',
      BENCH_CHILD_MODE: 'overhead',
      BENCH_OVERHEAD_CALLS: String(OVERHEAD_CALLS),
      BENCHSTUB_BASE_URL: stub.url,
      BENCHSTUB_RATE_PER_SECOND: '0',
      // Node flags for the measuring process only (e.g. --cpu-prof).
      ...(process.env.BENCH_OVERHEAD_NODE_OPTIONS
        ? { NODE_OPTIONS: process.env.BENCH_OVERHEAD_NODE_OPTIONS }
        : {}),
    }),
  );
  try {
    const r = await child.message('overhead', 300_000);
    await child.exited;
    const f = (x: { p50: number; p90: number; p99: number }) =>
      `p50 ${fmt(x.p50, 2)} / p90 ${fmt(x.p90, 2)} / p99 ${fmt(x.p99, 2)} ms`;
    log(`(3) direct ${f(r.direct_ms)}; ProviderClient ${f(r.client_ms)}`);
    rows.push(
      { metric: '(3) direct fetch to the stub', value: f(r.direct_ms) },
      { metric: '(3) ProviderClient.call (cache miss)', value: f(r.client_ms) },
      { metric: '(3) ProviderClient.call (cache hit)', value: f(r.cache_hit_ms) },
      {
        metric: '(3) wrapper overhead per call, p50',
        value: `${fmt(r.overhead_p50_ms, 2)} ms`,
        goal: '< 1 ms',
        verdict: verdict(r.overhead_p50_ms < 1),
      },
    );
  } finally {
    await child.stop();
    await stub.close();
  }
}
