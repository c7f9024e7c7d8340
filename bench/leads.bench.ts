/**
 * Figures for contact enrichment in vendor batches (`npm run bench:leads`). Not a test: it prints
 * numbers and exits 0 unless something broke.
 *
 *   1,000 contacts (BENCH_CONTACTS) in contact_enrichment tasks of 250 (BENCH_CHUNK) through
 *   Apollo's people/bulk_match — 10 a call — at a local stub answering its documented shapes with
 *   a strict quota of 50 calls a minute (BENCH_QUOTA_PER_MINUTE; a 429 as soon as a sliding 60-s
 *   window would hold more), Apollo's person.enrich limit set to the same. One API and 2 worker
 *   processes share the Redis rate limiter.
 *   → quota use (calls per minute ÷ quota, goal ≥ 98 %), 429s (goal 0), vendor calls vs ⌈n/10⌉,
 *     wall time; then the same contacts again, in new tasks and another order → vendor calls
 *     (goal 0: the provider cache answers).
 *
 * `--quick` (or BENCH_QUICK=1): 100 contacts in tasks of 50, for development (~15 s).
 *
 * The app runs as `node dist/src/main.js` processes (bench/support/app-process.ts), the stub in this
 * process (test/support/vendor-stub.ts with test/support/apollo-bulk-match.ts). Everything it
 * creates (database assay_bench_<random>, Redis keys under its own prefix, processes, the stub)
 * is removed at the end, also on failure or Ctrl-C. Environment: BENCH_CONTACTS, BENCH_CHUNK,
 * BENCH_QUOTA_PER_MINUTE, BENCH_ADMIN_DATABASE_URL, BENCH_REDIS_URL; RATE_LIMIT_MARGIN_MS is
 * passed on to the app.
 */
import 'reflect-metadata';
import { loadConfig } from '../src/common/config/app.config';
import { contactsRun, stubs } from './leads/contacts-run';
import { appEnv, database, PREFIX, QUICK, REDIS_URL } from './leads/settings';
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
    await contactsRun();
    printTable();
  },
  cleanup,
  QUICK ? ' (quick run)' : '',
);
