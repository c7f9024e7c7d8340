/** The contacts bench's settings (flags and environment), the names of this run, its apps' env. */
import { BenchDatabase, benchRun, runEnv } from '../support/bench-run';
import { envInt } from '../support/common';

const env = process.env;
/** `--quick` (or BENCH_QUICK=1): a small run for development. */
export const QUICK = process.argv.includes('--quick') || env.BENCH_QUICK === '1';
export const CONTACTS = envInt('BENCH_CONTACTS', QUICK ? 100 : 1000);
/** Contacts per task: several tasks, so that both worker processes share the vendor's quota. */
export const CHUNK = envInt('BENCH_CHUNK', QUICK ? 50 : 250);
/** The stub's quota and Apollo's person.enrich limit, per minute (a sliding window at the stub). */
export const QUOTA_PER_MINUTE = envInt('BENCH_QUOTA_PER_MINUTE', 50);
export const ADMIN_URL =
  env.BENCH_ADMIN_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
/** A run fails when no task ends for this long (the vendor's pace is 1 call per 1.2 s). */
export const STALL_MS = 120_000;

const run = benchRun(ADMIN_URL);
export const PREFIX = run.prefix;
export const API_KEY = run.apiKey;
/** The bench database; its connection (`database.db`) reads the tasks. */
export const database = new BenchDatabase(ADMIN_URL, run.dbName, run.dbUrl);

/** An app process's environment: the run's database and prefix, Apollo at the stub. */
export const appEnv = (role: 'api' | 'worker', apolloBaseUrl: string): Record<string, string> => ({
  PATH: env.PATH ?? '',
  ...runEnv(run, REDIS_URL),
  ASSAY_ROLE: role,
  DIAGNOSTIC_TASK_ENABLED: 'false',
  SWEEPS_ENABLED: 'false',
  APOLLO_API_KEY: `bench-apollo-${run.prefix}`,
  APOLLO_BASE_URL: apolloBaseUrl,
  APOLLO_PERSON_ENRICH_RATE_PER_MINUTE: String(QUOTA_PER_MINUTE),
  APOLLO_PERSON_ENRICH_RATE_PER_DAY: '100000',
  ...(env.RATE_LIMIT_MARGIN_MS ? { RATE_LIMIT_MARGIN_MS: env.RATE_LIMIT_MARGIN_MS } : {}),
});
