/** The task bench's settings (from the environment) and the names of this run. */
import { loadConfig } from '../../src/common/config/app.config';
import { DiagnosticTask } from '../../src/modules/diagnostic/diagnostic.task';
import { TaskType, TaskTypeOptions } from '../../src/modules/tasks/engine/task-type.decorator';
import { BenchDatabase, benchRun, runEnv } from '../support/bench-run';
import { envInt } from '../support/common';

const env = process.env;
export const N = envInt('BENCH_N', 20000);
export const RSS_TASKS = envInt('BENCH_RSS_TASKS', 100000);
export const RSS_WARMUP = envInt('BENCH_RSS_WARMUP', 5000);
export const RATE = envInt('BENCH_RATE', 500);
export const DURATION_S = envInt('BENCH_DURATION_S', 15);
export const CONNECTIONS = envInt('BENCH_CONNECTIONS', 10);
/** Keep the worker running during (c) (default: stopped, so (c) measures the API, not a full box). */
export const C_WORKER = envInt('BENCH_C_WORKER', 0) > 0;
/** Worker processes draining (b) (one Redis, one PostgreSQL): how the full path scales out. */
export const WORKERS = Math.max(1, envInt('BENCH_WORKERS', 1));
export const SKIP = new Set(
  (env.BENCH_SKIP ?? '')
    .toLowerCase()
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);
export const ADMIN_URL =
  env.BENCH_ADMIN_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
export const BATCH = 1000;
export const STALL_MS = 60_000;

const run = benchRun(ADMIN_URL);
export const DB_NAME = run.dbName;
export const PREFIX = run.prefix;
export const API_KEY = run.apiKey;
/** The bench database; its connection (`database.db`) does the polling and the counts. */
export const database = new BenchDatabase(ADMIN_URL, DB_NAME, run.dbUrl);

export const diagnostic = Reflect.getMetadata(TaskType.KEY, DiagnosticTask) as TaskTypeOptions<any>;

/** Environment of the app's child processes (and the config the bench itself uses for Redis). */
export const appEnv = (role: 'api' | 'worker', port: number): Record<string, string> => ({
  ...runEnv(run, REDIS_URL),
  ASSAY_ROLE: role,
  PORT: String(port),
});
/** The children's configuration as they will load it (the environment passes through). */
export const benchConfig = loadConfig({ ...env, ...appEnv('api', 1) });
export const CONCURRENCY = benchConfig.WORKER_CONCURRENCY || (diagnostic.concurrency ?? 5);
