/**
 * (1) shared rate limit: BENCH_CALLS tasks, each one lookup at the stub vendor (quota
 * BENCH_QUOTA calls/s, BENCH_LATENCY_MS per call), on 2 worker processes sharing the Redis rate
 * limiter → achieved rate vs quota, 429s; (2) the same inputs again → vendor calls (cache hits).
 */
import { join } from 'node:path';
import { BenchChild } from '../support/bench-child';
import { envInt, fmt, log } from '../support/common';
import { percentile } from '../support/paced';
import { ledgerOf, postBatches, waitDone } from './batches';
import { Child } from './child';
import { rows, verdict } from './report';
import { appEnv, CALLS, LATENCY_MS, now, QUOTA, ROOT, WORKER_CONCURRENCY } from './settings';
import { maxInAnyWindow, StubReport } from './vendor-stub';

/** The vendor stub's process, seen from here: its control routes. */
class StubClient {
  constructor(readonly url: string) {}

  async report(): Promise<StubReport> {
    return (await (await fetch(`${this.url}/_bench/report`)).json()) as StubReport;
  }

  async reset(): Promise<void> {
    await (await fetch(`${this.url}/_bench/reset`, { method: 'POST' })).text();
  }
}

export async function limiterRuns(): Promise<void> {
  // The vendor runs in a process of its own: in this one, the polling's pauses would bunch the
  // arrival times it stamps (and so answer 429s no real vendor would).
  const stubProcess = await new BenchChild(join(__dirname, 'stub.main.js'), ROOT, 'vendor stub', {
    PATH: process.env.PATH ?? '',
    BENCH_STUB_QUOTA: String(envInt('BENCH_STUB_QUOTA', QUOTA)),
    BENCH_LATENCY_MS: String(LATENCY_MS),
  }).ready();
  const stub = new StubClient(`http://127.0.0.1:${stubProcess.port}`);
  const providerEnv = {
    BENCHSTUB_BASE_URL: stub.url,
    BENCHSTUB_RATE_PER_SECOND: String(QUOTA),
    WORKER_CONCURRENCY: String(WORKER_CONCURRENCY),
  };
  log(`starting 1 API + 2 worker processes (worker concurrency ${WORKER_CONCURRENCY})`);
  const [api, ...workers] = await Promise.all([
    new Child('api', appEnv({ ...providerEnv, ASSAY_ROLE: 'api' })).ready(),
    new Child('worker-1', appEnv({ ...providerEnv, ASSAY_ROLE: 'worker' })).ready(),
    new Child('worker-2', appEnv({ ...providerEnv, ASSAY_ROLE: 'worker' })).ready(),
  ]);
  const domains = Array.from({ length: CALLS }, (_, i) => `company-${i}.bench.example`);
  try {
    log(`(1) ${fmt(CALLS)} calls, quota ${QUOTA}/s, ${LATENCY_MS} ms per call`);
    const t0 = now();
    const first = await postBatches(api, domains);
    await waitDone(first, CALLS, workers);
    const wall = (now() - t0) / 1000;
    const seen = await stub.report();
    const times = [...seen.accepted].sort((a, b) => a - b);
    const span = (times[times.length - 1] - times[0]) / 1000;
    const rate = (times.length - 1) / span;
    const ratio = rate / QUOTA;
    const peak = maxInAnyWindow(times, 1000);
    // How tight the schedule was at the vendor: the time covered by QUOTA + 1 consecutive calls
    // (under 1 s = one call too many in a strict vendor's window).
    const spans = times
      .slice(QUOTA)
      .map((t, i) => t - times[i])
      .sort((a, b) => a - b);
    const q = (p: number) => spans[Math.min(spans.length - 1, Math.floor(p * spans.length))];
    const l1 = await ledgerOf(first);
    log(
      `(1) ${fmt(rate, 2)} calls/s = ${fmt(ratio * 100, 1)} % of quota; ${seen.rejected.length} × 429; ` +
        `peak ${peak} in a 1-s window; wall ${fmt(wall, 1)} s`,
    );
    rows.push(
      {
        metric: '(1) achieved rate at the vendor',
        value: `${fmt(rate, 2)}/s = ${fmt(ratio * 100, 1)} % of ${QUOTA}/s`,
        goal: '≥ 99 %',
        verdict: verdict(ratio >= 0.99),
      },
      {
        metric: '(1) 429 answers',
        value:
          String(seen.rejected.length) +
          (seen.rejected.length
            ? ` (at ${seen.rejected
                .slice(0, 5)
                .map((t) => `${fmt((t - times[0]) / 1000, 1)} s`)
                .join(', ')}${seen.rejected.length > 5 ? '…' : ''})`
            : ''),
        goal: '0',
        verdict: verdict(seen.rejected.length === 0),
      },
      { metric: '(1) most calls in any 1-s window', value: `${peak} (quota ${QUOTA})` },
      {
        metric: `(1) time spanned by ${QUOTA + 1} consecutive calls`,
        value: `min ${fmt(q(0))} / p1 ${fmt(q(0.01))} / p50 ${fmt(q(0.5))} ms`,
      },
      {
        metric: '(1) adapter fetch → stub handler (jitter after the limiter)',
        value: (() => {
          const t = [...seen.transit].sort((a, b) => a - b);
          return t.length
            ? `p50 ${fmt(percentile(t, 50), 1)} / p99 ${fmt(percentile(t, 99), 1)} / max ${fmt(t[t.length - 1], 1)} ms`
            : 'n/a';
        })(),
      },
      {
        metric: '(1) vendor calls / paid ledger rows',
        value: `${seen.accepted.length} / ${l1.paid}`,
      },
      { metric: '(1) wall time (submit → all done)', value: `${fmt(wall, 1)} s` },
    );

    log(`(2) the same ${fmt(CALLS)} inputs again`);
    await stub.reset();
    const t1 = now();
    const second = await postBatches(api, domains);
    await waitDone(second, CALLS, workers);
    const wall2 = (now() - t1) / 1000;
    const l2 = await ledgerOf(second);
    const again = await stub.report();
    const vendor2 = again.accepted.length + again.rejected.length;
    log(`(2) ${vendor2} vendor calls, ${l2.hits} cache hits, wall ${fmt(wall2, 1)} s`);
    rows.push(
      {
        metric: '(2) vendor calls',
        value: String(vendor2),
        goal: '0',
        verdict: verdict(vendor2 === 0),
      },
      { metric: '(2) cache hits (ledger)', value: `${l2.hits} of ${CALLS}` },
      { metric: '(2) wall time', value: `${fmt(wall2, 1)} s` },
    );
  } finally {
    await Promise.all([api, ...workers, stubProcess].map((c) => c.stop()));
  }
}
