/** The provider bench's settings (environment), the names of this run, its apps' environment. */
import { join, resolve } from 'node:path';
import { BenchDatabase, benchRun, runEnv } from '../support/bench-run';
import { envInt } from '../support/common';

const env = process.env;
export const CALLS = envInt('BENCH_CALLS', 2000);
export const QUOTA = envInt('BENCH_QUOTA', 20);
export const LATENCY_MS = envInt('BENCH_LATENCY_MS', 50);
export const OVERHEAD_CALLS = envInt('BENCH_OVERHEAD_CALLS', 1000);
export const WORKER_CONCURRENCY = envInt('BENCH_WORKER_CONCURRENCY', 10);
export const ADMIN_URL =
  env.BENCH_ADMIN_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const STALL_MS = 60_000;

/** The repository (this file is dist/bench/providers/settings.js once built). */
export const ROOT = resolve(__dirname, '..', '..', '..');
export const CHILD = join(__dirname, 'bench-app.main.js');
const run = benchRun(ADMIN_URL);
export const DB_NAME = run.dbName;
export const PREFIX = run.prefix;
export const API_KEY = run.apiKey;
/** The bench database; its connection (`database.db`) reads the tasks and the ledger. */
export const database = new BenchDatabase(ADMIN_URL, DB_NAME, run.dbUrl);

/** Wall-clock milliseconds, sub-millisecond precise (the stub's timestamps). */
export const now = () => performance.timeOrigin + performance.now();

export const appEnv = (extra: Record<string, string>): Record<string, string> => ({
  PATH: env.PATH ?? '',
  ...runEnv(run, REDIS_URL),
  PORT: '0',
  DIAGNOSTIC_TASK_ENABLED: 'false',
  SWEEPS_ENABLED: 'false',
  ...(env.RATE_LIMIT_MARGIN_MS ? { RATE_LIMIT_MARGIN_MS: env.RATE_LIMIT_MARGIN_MS } : {}),
  ...extra,
});
