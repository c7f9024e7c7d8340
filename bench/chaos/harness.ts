/** What the parts of a chaos run share: its fixed names and secrets, its log line, its context. */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { PgCluster } from './infra/postgres';
import type { RedisServer } from './infra/redis';
import type { ChaosOptions } from './options';
import type { RunState } from './state';

/** When the harness started (the log's `+12.3s` and the final duration count from it). */
export const t0 = Date.now();
const stamp = () => `+${((Date.now() - t0) / 1000).toFixed(1).padStart(6)}s`;
export const log = (msg: string) => console.log(`[chaos ${stamp()}] ${msg}`);

export const API_KEY = `chaos-${randomBytes(16).toString('hex')}`;
export const SECRET = `whsec_${randomBytes(32).toString('base64')}`;
export const DB_NAME = 'assay_chaos';
export const PREFIX = 'chaos';
/** The app process's script (this file is dist/bench/chaos/harness.js once built). */
export const CHILD = join(__dirname, 'chaos-app.main.js');

/** One run's options and servers, as the fleet, the load and the faults see them. */
export interface RunContext {
  readonly opts: ChaosOptions;
  /** The seeded PRNG (load, polled ids, victims): the same seed gives the same load and victims. */
  readonly rand: () => number;
  /** In every client job id: `chaos-<tag>-<n>`. */
  readonly tag: string;
  /** The run directory (logs, PostgreSQL data, the processes' working directory). */
  readonly dir: string;
  readonly pg: PgCluster;
  readonly redis: RedisServer;
  readonly state: RunState;
}
