/**
 * Figures for AI custom columns (`npm run bench:columns`). Not a test: it prints numbers and exits
 * 0 unless something broke.
 *
 *   500 entities (BENCH_ENTITIES) × 1 enum column through `POST /api/v1/columns/{id}/run`, against
 *   an OpenAI-compatible stub answering every request after 300 ms (BENCH_LLM_LATENCY_MS):
 *   concurrent_requests 1 vs 10 (BENCH_CONCURRENCY_LOW / _HIGH) → throughput of each and their
 *   ratio (goal ≥ 8×); then the same column and entities again → LLM calls (goal 0: served from
 *   the stored values).
 *
 * `--quick` (or BENCH_QUICK=1): 100 entities.
 *
 * The app runs as `node dist/src/main.js` processes (1 API, 1 worker), the stub in this process.
 * Everything it creates (database assay_bench_<random>, Redis keys under its own prefix,
 * processes, the stub) is removed at the end, also on failure or Ctrl-C.
 */
import 'reflect-metadata';
import { loadConfig } from '../src/common/config/app.config';
import { columnsRun, stubs } from './columns/columns-run';
import { appEnv, database, PREFIX, QUICK, REDIS_URL } from './columns/settings';
import { printTable } from './providers/report';
import { deleteRedisKeys } from './support/bench-run';
import { benchMain } from './support/bench-main';
import { running } from './support/node-child';

async function cleanup(): Promise<void> {
  await Promise.all([...running].map((c) => c.stop().catch(() => undefined)));
  await Promise.all(stubs.map((s) => s.close().catch(() => undefined)));
  await database.drop();
  await deleteRedisKeys(REDIS_URL, PREFIX);
}

benchMain(
  async () => {
    await database.create(loadConfig({ ...appEnv('api', 'http://127.0.0.1:1'), PORT: '1' }));
    await columnsRun();
    printTable();
  },
  cleanup,
  QUICK ? ' (quick run)' : '',
);
