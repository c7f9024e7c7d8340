/**
 * Figures for the provider call path (`npm run bench:providers`). Not a test: it prints numbers
 * and exits 0 unless something broke.
 *
 *   (1) shared rate limit: BENCH_CALLS (2,000) tasks, each one lookup at a local vendor stub
 *       whose quota is BENCH_QUOTA (20) calls/s — strict: a 429 as soon as a sliding 1-s window
 *       would hold more — and that takes BENCH_LATENCY_MS (50) ms per call. The tasks run on 2
 *       worker processes sharing the Redis rate limiter (provider configured with the quota).
 *       → achieved rate vs quota (goal ≥ 99 %), 429s (goal 0)
 *   (2) the same inputs again → vendor calls (goal 0: all cache hits)
 *   (3) wrapper overhead per call: ProviderClient.call against the stub (no rate limit, no delay)
 *       vs calling the stub directly with fetch, p50 difference (goal < 1 ms)
 *
 * The app runs as child processes (`dist/bench/providers/bench-app.main.js`: createApp with the
 * bench's provider and task type): one API, two workers, one for (3). The quota-bound stub of
 * (1) and (2) is a process of its own (`dist/bench/providers/stub.main.js`), so that the bench's
 * polling never delays the arrival times it stamps; the stub of (3) lives in this process.
 * Everything it creates (database assay_bench_<random>, Redis keys under its own prefix, child
 * processes, servers) is removed at the end, also on failure or Ctrl-C.
 *
 * Environment: BENCH_CALLS, BENCH_QUOTA, BENCH_LATENCY_MS, BENCH_OVERHEAD_CALLS (1000),
 * BENCH_WORKER_CONCURRENCY (10), BENCH_STUB_QUOTA (the stub's own quota, default BENCH_QUOTA;
 * 0 = no 429s, to observe the schedule alone), BENCH_SKIP ("1" skips (1) and (2), "3" skips (3)),
 * BENCH_ADMIN_DATABASE_URL, BENCH_REDIS_URL, BENCH_OVERHEAD_NODE_OPTIONS (Node flags of the
 * process that measures (3), e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof");
 * RATE_LIMIT_MARGIN_MS is passed on to the app.
 *
 * The runs are in bench/providers/: limiter.ts (1, 2), overhead.ts (3); the stub vendor in
 * vendor-stub.ts (its process: stub.main.ts), the app's processes in child.ts, the table in
 * report.ts.
 */
import 'reflect-metadata';
import { loadConfig } from '../src/common/config/app.config';
import { limiterRuns } from './providers/limiter';
import { overheadRun } from './providers/overhead';
import { printTable } from './providers/report';
import { appEnv, database, PREFIX, REDIS_URL } from './providers/settings';
import { servers } from './providers/vendor-stub';
import { deleteRedisKeys } from './support/bench-run';
import { benchMain } from './support/bench-main';
import { running } from './support/node-child';

async function cleanup(): Promise<void> {
  await Promise.all([...running].map((c) => c.stop().catch(() => undefined)));
  await Promise.all([...servers].map((s) => s.close().catch(() => undefined)));
  await database.drop();
  await deleteRedisKeys(REDIS_URL, PREFIX);
}

benchMain(async () => {
  await database.create(loadConfig({ ...appEnv({}), PORT: '1' }));
  const skip = new Set((process.env.BENCH_SKIP ?? '').split(',').map((x) => x.trim()));
  if (!skip.has('1')) await limiterRuns();
  if (!skip.has('3')) await overheadRun();
  printTable();
}, cleanup);
