/** The soak bench's settings (environment), the names of this run, its apps' environment. */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { BenchDatabase, benchRun, runEnv } from '../support/bench-run';
import { envInt } from '../support/common';

const env = process.env;
export const MINUTES = Math.max(1, envInt('BENCH_SOAK_MINUTES', 30));
/** Diagnostic tasks created per second, without a callback. */
export const CREATE_RATE = envInt('BENCH_SOAK_CREATE_RATE', 40);
/** Diagnostic tasks created per second with a callback_url at the bench's receiver. */
export const CALLBACK_RATE = envInt('BENCH_SOAK_CALLBACK_RATE', 5);
/** bench_lookup tasks created per second, each one call at the vendor stub. */
export const PROVIDER_RATE = envInt('BENCH_SOAK_PROVIDER_RATE', 5);
/** Status polls per second, each of a task created earlier. */
export const POLL_RATE = envInt('BENCH_SOAK_POLL_RATE', 50);
/** The diagnostic tasks' sleep_ms (split across their two stages). */
export const SLEEP_MS = envInt('BENCH_SOAK_SLEEP_MS', 20);
export const VENDOR_LATENCY_MS = envInt('BENCH_SOAK_VENDOR_LATENCY_MS', 50);
export const WORKERS = Math.max(1, envInt('BENCH_WORKERS', 2));
/** After the load: how long the queue and the callbacks may take to drain. */
export const DRAIN_S = envInt('BENCH_SOAK_DRAIN_S', 120);
export const ADMIN_URL =
  env.BENCH_ADMIN_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** The app entry with BenchProviderModule (its `bench_lookup` task type and `benchstub`). */
export const CHILD = join(__dirname, '..', 'providers', 'bench-app.main.js');
const run = benchRun(ADMIN_URL);
export const PREFIX = run.prefix;
export const API_KEY = run.apiKey;
/** The run's callback signing secret (Standard Webhooks). */
export const SECRET = `whsec_${randomBytes(32).toString('base64')}`;
/** The bench database; its connection (`database.db`) counts the tasks each minute. */
export const database = new BenchDatabase(ADMIN_URL, run.dbName, run.dbUrl);

/** What passes through from the bench's environment to the app's processes, when set. */
const PASSED = ['NODE_OPTIONS', 'WORKER_CONCURRENCY', 'DATABASE_POOL_SIZE'];

export const appEnv = (extra: Record<string, string>): Record<string, string> => ({
  PATH: env.PATH ?? '',
  ...Object.fromEntries(PASSED.filter((k) => env[k]).map((k) => [k, env[k]!])),
  ...runEnv(run, REDIS_URL),
  PORT: '0',
  CALLBACK_SIGNING_SECRET: SECRET,
  CALLBACK_ALLOWED_HOSTS: '127.0.0.1',
  ...extra,
});
