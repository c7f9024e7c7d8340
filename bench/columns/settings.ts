/** The columns bench's settings (flags and environment), the names of this run, its apps' env. */
import { BenchDatabase, benchRun, runEnv } from '../support/bench-run';
import { envInt } from '../support/common';

const env = process.env;
/** `--quick` (or BENCH_QUICK=1): a small run for development. */
export const QUICK = process.argv.includes('--quick') || env.BENCH_QUICK === '1';
export const ENTITIES = envInt('BENCH_ENTITIES', QUICK ? 100 : 500);
/** How long the stub LLM takes to answer each request. */
export const LATENCY_MS = envInt('BENCH_LLM_LATENCY_MS', 300);
/** The two concurrent_requests compared. */
export const LOW = envInt('BENCH_CONCURRENCY_LOW', 1);
export const HIGH = envInt('BENCH_CONCURRENCY_HIGH', 10);
export const ADMIN_URL =
  env.BENCH_ADMIN_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

const run = benchRun(ADMIN_URL);
export const PREFIX = run.prefix;
export const API_KEY = run.apiKey;
export const database = new BenchDatabase(ADMIN_URL, run.dbName, run.dbUrl);

/** An app process's environment: the run's database and prefix, the LLM at the stub. */
export const appEnv = (role: 'api' | 'worker', llmUrl: string): Record<string, string> => ({
  PATH: env.PATH ?? '',
  ...runEnv(run, REDIS_URL),
  ASSAY_ROLE: role,
  DIAGNOSTIC_TASK_ENABLED: 'false',
  SWEEPS_ENABLED: 'false',
  OPENAI_BASE_URL: `${llmUrl}/v1`,
  OPENAI_API_KEY: `bench-openai-${run.prefix}`,
  // The stub has no limits: the bench measures the column's own concurrency, not a vendor's.
  OPENAI_RATE_PER_SECOND: '1000',
  OPENAI_RATE_PER_MINUTE: '100000',
  OPENAI_MAX_CONCURRENCY: '100',
  OPENAI_PRICES: '{"inputPerMTokUsd":0,"outputPerMTokUsd":0}',
});
