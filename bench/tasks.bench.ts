/**
 * Throughput, latency and memory figures for the task engine (`npm run bench:tasks`).
 * Not a test: it prints numbers and exits 0 unless something broke.
 *
 *   (a) bare BullMQ: N no-op jobs through one queue, one Worker        → jobs/s
 *   (b) full path: POST /api/v1/tasks/batch → queue → worker → Postgres → tasks/s, ratio b/a
 *   (c) POST /api/v1/tasks/create/diagnostic at a fixed rate (autocannon overallRate)
 *       → p50/p99, achieved rate, non-2xx (plus an evenly paced open-loop check)
 *   (d) worker RSS after a warm-up and after BENCH_RSS_TASKS more tasks
 *
 * The API and the worker run as child processes (`node dist/src/main.js` with ASSAY_ROLE=api /
 * ASSAY_ROLE=worker): the load generator and the polling then never share an event loop with the
 * code they measure, and the worker's RSS is its own. (c) runs without a worker by default, so it
 * measures the API rather than a 2-core box also draining the queue. After each phase it prints
 * where the CPU went (app processes, the bench database's Postgres backends, the rest of the
 * machine) and the Postgres transactions per task. Everything it creates (database
 * assay_bench_<random>, Redis keys under its own prefix, child processes) is removed at the end,
 * also on failure or Ctrl-C.
 *
 * Environment: BENCH_N (20000), BENCH_RSS_TASKS (100000), BENCH_RSS_WARMUP (5000),
 * BENCH_SKIP (e.g. "c,d"), BENCH_RATE (500), BENCH_DURATION_S (15), BENCH_CONNECTIONS (10),
 * BENCH_C_WORKER=1 (keep a worker running during (c)), BENCH_ADMIN_DATABASE_URL, BENCH_REDIS_URL;
 * DATABASE_POOL_SIZE, WORKER_CONCURRENCY and NODE_OPTIONS pass through to the app.
 */
import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { Job, Queue, Worker } from 'bullmq';
import Redis from 'ioredis';
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { AddressInfo, createServer } from 'node:net';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { loadConfig } from '../src/common/config/app.config';
import { redisOptions } from '../src/common/redis/redis.options';
import { runMigrations } from '../src/database/migrate';
import { DiagnosticTask } from '../src/modules/diagnostic/diagnostic.task';
import { TaskType, TaskTypeOptions } from '../src/modules/tasks/engine/task-type.decorator';

interface Histogram {
  average: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}
interface AutocannonResult {
  latency: Histogram;
  requests: { average: number; total: number };
  duration: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  '2xx': number;
}
// autocannon ships no type declarations.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as (opts: object) => Promise<AutocannonResult>;

// ---- settings ---------------------------------------------------------------------------------

const env = process.env;
const int = (name: string, def: number) => {
  const v = env[name];
  if (v === undefined || v === '') return def;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer`);
  return n;
};
const N = int('BENCH_N', 20000);
const RSS_TASKS = int('BENCH_RSS_TASKS', 100000);
const RSS_WARMUP = int('BENCH_RSS_WARMUP', 5000);
const RATE = int('BENCH_RATE', 500);
const DURATION_S = int('BENCH_DURATION_S', 15);
const CONNECTIONS = int('BENCH_CONNECTIONS', 10);
/** Keep the worker running during (c) (default: stopped, so (c) measures the API, not a full box). */
const C_WORKER = int('BENCH_C_WORKER', 0) > 0;
const SKIP = new Set(
  (env.BENCH_SKIP ?? '')
    .toLowerCase()
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);
const ADMIN_URL = env.BENCH_ADMIN_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const BATCH = 1000;
const STALL_MS = 60_000;

const ROOT = resolve(__dirname, '..', '..');
const MAIN = join(ROOT, 'dist', 'src', 'main.js');
const RUN = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
const DB_NAME = `assay_bench_${RUN}`;
const PREFIX = `assay-bench-${RUN}`;
const API_KEY = `bench-${randomBytes(16).toString('hex')}`;
const dbUrl = (() => {
  const u = new URL(ADMIN_URL);
  u.pathname = `/${DB_NAME}`;
  return u.toString();
})();

const diagnostic = Reflect.getMetadata(TaskType.KEY, DiagnosticTask) as TaskTypeOptions<any>;

/** Environment of the app's child processes (and the config the bench itself uses for Redis). */
const appEnv = (role: 'api' | 'worker', port: number): Record<string, string> => ({
  NODE_ENV: 'production',
  ASSAY_ROLE: role,
  HOST: '127.0.0.1',
  PORT: String(port),
  DATABASE_URL: dbUrl,
  DATABASE_CREATE: 'false',
  DATABASE_MIGRATIONS_RUN: 'false',
  REDIS_URL,
  REDIS_PREFIX: PREFIX,
  ASSAY_API_KEYS: API_KEY,
  LOG_LEVEL: 'warn',
  SHUTDOWN_GRACE_MS: '3000',
});
/** The children's configuration as they will load it (the environment passes through). */
const benchConfig = loadConfig({ ...env, ...appEnv('api', 1) });
const CONCURRENCY = benchConfig.WORKER_CONCURRENCY || (diagnostic.concurrency ?? 5);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const now = () => performance.now();
const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const log = (msg: string) =>
  console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}`);

// ---- child processes --------------------------------------------------------------------------

class AppProcess {
  readonly child: ChildProcess;
  readonly tail: string[] = [];
  warnings = 0;
  exited: Promise<number | null>;
  exitCode: number | null | undefined = undefined;

  constructor(
    readonly role: 'api' | 'worker',
    readonly port: number,
  ) {
    this.child = spawn(process.execPath, [MAIN], {
      cwd: ROOT,
      env: { ...env, ...appEnv(role, port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.add(this);
    started.push(this);
    const onData = (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) {
        if (!line.trim()) continue;
        if (/"level":(4|5|6)\d/.test(line) || !line.startsWith('{')) this.warnings++;
        this.tail.push(line.slice(0, 400));
        if (this.tail.length > 30) this.tail.shift();
      }
    };
    this.child.stdout!.on('data', onData);
    this.child.stderr!.on('data', onData);
    this.exited = new Promise((r) =>
      this.child.once('exit', (code) => {
        this.exitCode = code;
        children.delete(this);
        r(code);
      }),
    );
  }

  get pid(): number {
    return this.child.pid!;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async ready(timeoutMs = 60_000): Promise<this> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      if (this.exitCode !== undefined) {
        throw new Error(
          `${this.role} exited (${this.exitCode}) at start:\n${this.tail.join('\n')}`,
        );
      }
      try {
        const res = await fetch(`${this.url}/health`);
        if (res.ok) return this;
      } catch {
        /* not listening yet */
      }
      if (Date.now() > until)
        throw new Error(`${this.role} did not start:\n${this.tail.join('\n')}`);
      await sleep(100);
    }
  }

  /** VmRSS and VmHWM in MiB, from /proc/<pid>/status. */
  memory(): { rss: number; hwm: number } {
    const status = readFileSync(`/proc/${this.pid}/status`, 'utf8');
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)![1]);
    return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 };
  }

  async stop(): Promise<void> {
    if (this.exitCode !== undefined) return;
    this.child.kill('SIGTERM');
    const killed = await Promise.race([
      this.exited.then(() => false),
      sleep(15_000).then(() => true),
    ]);
    if (killed && this.exitCode === undefined) {
      this.child.kill('SIGKILL');
      await this.exited;
    }
  }
}

const children = new Set<AppProcess>();
const started: AppProcess[] = [];

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as AddressInfo;
      srv.close(() => resolvePort(port));
    });
  });
}

async function startApp(role: 'api' | 'worker'): Promise<AppProcess> {
  const p = new AppProcess(role, await freePort());
  return p.ready();
}

// ---- database ---------------------------------------------------------------------------------

let db: Client | undefined;
let dbCreated = false;

async function createDatabase(): Promise<void> {
  const admin = new Client({ connectionString: ADMIN_URL, connectionTimeoutMillis: 5000 });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${DB_NAME}"`);
    dbCreated = true;
  } finally {
    await admin.end();
  }
  // A silent logger: the applied migrations are of no interest here.
  await runMigrations(benchConfig, { log: () => undefined } as unknown as Logger);
  db = new Client({ connectionString: dbUrl });
  await db.connect();
}

interface Counts {
  total: number;
  succeeded: number;
  failed: number;
  other: number;
}

/** Counts the tasks of the given batches (or, with null, the tasks created outside any batch). */
async function countTasks(batchIds: string[] | null): Promise<Counts> {
  const where = batchIds ? 'batch_id = ANY($1::uuid[])' : 'batch_id IS NULL';
  const { rows } = await db!.query(
    `SELECT count(*)::int AS total,
            count(*) FILTER (WHERE status = 'succeeded')::int AS succeeded,
            count(*) FILTER (WHERE status IN ('failed','cancelled'))::int AS failed
       FROM tasks WHERE ${where}`,
    batchIds ? [batchIds] : [],
  );
  const r = rows[0] as { total: number; succeeded: number; failed: number };
  return { ...r, other: r.total - r.succeeded - r.failed };
}

/** Polls the count query until `expected` tasks succeeded; fails on a failed task or a stall. */
async function waitSucceeded(
  batchIds: string[] | null | (() => string[]),
  expected: number,
  everyMs: number,
  worker: AppProcess,
  check?: () => void,
): Promise<number> {
  let last = -1;
  let lastChange = Date.now();
  for (;;) {
    check?.();
    const ids = typeof batchIds === 'function' ? batchIds() : batchIds;
    const c = await countTasks(ids);
    if (c.failed) throw new Error(`${c.failed} task(s) failed or were cancelled`);
    if (c.succeeded >= expected) return now();
    if (c.succeeded !== last) {
      last = c.succeeded;
      lastChange = Date.now();
    } else if (Date.now() - lastChange > STALL_MS) {
      throw new Error(
        `no progress for ${STALL_MS / 1000} s (${c.succeeded}/${expected} succeeded, ${c.other} not final)` +
          `\nworker log tail:\n${worker.tail.join('\n')}`,
      );
    }
    if (worker.exitCode !== undefined) {
      throw new Error(`worker exited (${worker.exitCode}):\n${worker.tail.join('\n')}`);
    }
    await sleep(everyMs);
  }
}

// ---- CPU accounting ---------------------------------------------------------------------------

/** utime + stime of a process, in seconds (Linux USER_HZ is 100). */
function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return NaN;
  }
}

/** Busy and total CPU seconds of the whole machine, from /proc/stat. */
function machineSeconds(): { busy: number; total: number } {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1, 9);
  const [user, nice, system, idle, iowait, irq, softirq, steal] = f.map(Number);
  const busy = user + nice + system + irq + softirq + steal;
  return { busy: busy / 100, total: (busy + idle + iowait) / 100 };
}

/** Pids of the Postgres backends serving the bench database (the app's pools and the poller). */
async function pgBackends(): Promise<number[]> {
  const { rows } = await db!.query(`SELECT pid FROM pg_stat_activity WHERE datname = $1`, [
    DB_NAME,
  ]);
  return rows.map((r: { pid: number }) => r.pid);
}

/**
 * Where the CPU went during a phase: the app's processes, the Postgres backends of the bench
 * database, the bench process itself, and the rest of the machine (Redis, Postgres background
 * processes, and anything else running — the noise).
 */
async function cpuMeter(
  procs: AppProcess[],
): Promise<(label: string, units: number, unit: string) => Promise<void>> {
  const pids = new Map<string, number>(procs.map((p) => [`${p.role} (pid ${p.pid})`, p.pid]));
  const backends = await pgBackends();
  const xacts = async () =>
    Number(
      (
        await db!.query(
          'SELECT xact_commit + xact_rollback AS n FROM pg_stat_database WHERE datname = $1',
          [DB_NAME],
        )
      ).rows[0].n,
    );
  const x0 = await xacts();
  const before = new Map([...pids].map(([k, pid]) => [k, cpuSeconds(pid)]));
  const pgBefore = new Map(backends.map((pid) => [pid, cpuSeconds(pid)]));
  const m0 = machineSeconds();
  const b0 = process.cpuUsage();
  return async (label, units, unit) => {
    const m1 = machineSeconds();
    const b = process.cpuUsage(b0);
    const parts: Array<[string, number]> = [...pids].map(([k, pid]) => [
      k,
      cpuSeconds(pid) - before.get(k)!,
    ]);
    let pg = 0;
    let poller = 0;
    const pollerPid = (db as unknown as { processID: number }).processID;
    // Backends opened during the phase are counted from zero.
    for (const pid of new Set([...backends, ...(await pgBackends())])) {
      const v = cpuSeconds(pid) - (pgBefore.get(pid) ?? 0);
      if (!Number.isFinite(v)) continue;
      if (pid === pollerPid) poller += v;
      else pg += v;
    }
    parts.push(
      ['postgres backends of the app', pg],
      ["postgres backend of the bench's polling", poller],
      ['bench', (b.user + b.system) / 1e6],
    );
    const ours = parts.reduce((a, [, v]) => a + (Number.isFinite(v) ? v : 0), 0);
    const busy = m1.busy - m0.busy;
    parts.push(['rest of machine', busy - ours]);
    const per = (v: number) => (units ? ` = ${fmt((v * 1000) / units, 3)} ms/${unit}` : '');
    // Postgres counts statements outside a transaction block as one transaction each (its
    // per-backend statistics reach pg_stat_database within about a second).
    await sleep(1100);
    const tx = (await xacts()) - x0;
    notes.push(
      `CPU during ${label} (${fmt(busy, 1)} s busy of ${fmt(m1.total - m0.total, 1)} s on ${os.cpus().length} CPUs): ` +
        parts.map(([k, v]) => `${k} ${fmt(v, 2)} s${per(v)}`).join('; ') +
        `; Postgres transactions ${fmt(tx)}${units ? ` = ${fmt(tx / units, 2)}/${unit}` : ''}`,
    );
  };
}

// ---- HTTP helpers -----------------------------------------------------------------------------

async function postBatch(api: AppProcess, count: number): Promise<string> {
  const res = await fetch(`${api.url}/api/v1/tasks/batch`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': API_KEY },
    body: JSON.stringify({
      task_name: 'diagnostic',
      payloads: Array.from({ length: count }, () => ({ sleep_ms: 0 })),
    }),
  });
  const body = (await res.json()) as { batch_id?: string; count?: number };
  if (res.status !== 202 || body.count !== count || !body.batch_id) {
    throw new Error(`POST /api/v1/tasks/batch answered ${res.status}: ${JSON.stringify(body)}`);
  }
  return body.batch_id;
}

/** Posts `total` tasks in batches of 1000, one call at a time. */
async function postTasks(api: AppProcess, total: number, batchIds: string[]): Promise<void> {
  for (let done = 0; done < total; done += BATCH) {
    batchIds.push(await postBatch(api, Math.min(BATCH, total - done)));
  }
}

// ---- phases -----------------------------------------------------------------------------------

interface Row {
  phase: string;
  metric: string;
  value: string;
  goal?: string;
  verdict?: 'ok' | 'MISSED';
}
const rows: Row[] = [];
const notes: string[] = [];

async function phaseA(label: string): Promise<number> {
  log(`(a) bare BullMQ${label}: ${fmt(N)} no-op jobs, concurrency ${CONCURRENCY}`);
  const name = 'bench-baseline';
  const queue = new Queue(name, {
    connection: redisOptions(benchConfig, 'producer'),
    prefix: PREFIX,
  });
  let completed = 0;
  let allDone!: () => void;
  const finished = new Promise<void>((r) => (allDone = r));
  const worker = new Worker(name, async (_job: Job) => undefined, {
    connection: redisOptions(benchConfig, 'worker'),
    prefix: PREFIX,
    concurrency: CONCURRENCY,
  });
  worker.on('completed', () => {
    if (++completed === N) allDone();
  });
  worker.on('error', (err) => log(`baseline worker: ${err.message}`));
  try {
    await worker.waitUntilReady();
    await queue.waitUntilReady();
    const cpu = await cpuMeter([]);
    const t0 = now();
    for (let i = 0; i < N; i += BATCH) {
      // Same job options as the app's (TaskQueues.jobOptions).
      await queue.addBulk(
        Array.from({ length: Math.min(BATCH, N - i) }, () => {
          const id = randomUUID();
          return {
            name: 'noop',
            data: { taskId: id },
            opts: {
              jobId: id,
              attempts: 1,
              removeOnComplete: { age: 3600, count: 1000 },
              removeOnFail: { age: 7 * 24 * 3600, count: 5000 },
            },
          };
        }),
      );
    }
    const tAdded = now();
    await finished;
    const t1 = now();
    await cpu(`(a)${label}`, N, 'job');
    const rate = N / ((t1 - t0) / 1000);
    log(
      `(a) ${fmt(rate)} jobs/s (adds took ${fmt((tAdded - t0) / 1000, 2)} s, total ${fmt((t1 - t0) / 1000, 2)} s)`,
    );
    return rate;
  } finally {
    await worker.close();
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
  }
}

async function phaseB(api: AppProcess, worker: AppProcess): Promise<number> {
  log(`(b) full path: ${fmt(N)} diagnostic tasks {"sleep_ms":0} via POST /api/v1/tasks/batch`);
  const batchIds: string[] = [];
  const cpu = await cpuMeter([api, worker]);
  const t0 = now();
  let postError: unknown;
  const posting = postTasks(api, N, batchIds).then(now, (err: unknown) => {
    postError = err;
    return 0;
  });
  // Poll while posting goes on; the end is when every task of the N is succeeded.
  const t1 = await waitSucceeded(
    () => batchIds,
    N,
    100,
    worker,
    () => {
      if (postError) throw postError;
    },
  );
  const tPosted = await posting;
  await cpu('(b)', N, 'task');
  const rate = N / ((t1 - t0) / 1000);
  log(
    `(b) ${fmt(rate)} tasks/s (posting took ${fmt((tPosted - t0) / 1000, 2)} s, total ${fmt((t1 - t0) / 1000, 2)} s)`,
  );
  rows.push({ phase: '(b)', metric: 'full path tasks/s', value: fmt(rate) });
  rows.push({
    phase: '(b)',
    metric: '  of which: POST time for all batches',
    value: `${fmt((tPosted - t0) / 1000, 2)} s`,
  });
  return rate;
}

async function phaseC(api: AppProcess, worker: AppProcess | undefined): Promise<void> {
  const url = `${api.url}/api/v1/tasks/create/diagnostic`;
  const common = {
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': API_KEY },
    body: JSON.stringify({ sleep_ms: 0 }),
    connections: CONNECTIONS,
    overallRate: RATE,
    // autocannon's correction uses ceil(1 / per-connection rate) = 1 ms as the interval, which
    // invents samples between 1 ms and each response time; record the measured latencies only.
    ignoreCoordinatedOmission: true,
  };
  log(`(c) warm-up: 3 s at ${RATE} req/s`);
  await autocannon({ ...common, duration: 3 });
  const createdBefore = (await countTasks(null)).total;
  log(
    `(c) POST /api/v1/tasks/create/diagnostic at ${RATE} req/s for ${DURATION_S} s (autocannon, ${CONNECTIONS} connections)`,
  );
  const cpu = await cpuMeter(worker ? [api, worker] : [api]);
  const r = await autocannon({ ...common, duration: DURATION_S });
  await cpu('(c) autocannon run', r['2xx'] + r.non2xx, 'request');
  const createdByAutocannon = (await countTasks(null)).total - createdBefore;
  const achieved = (r['2xx'] + r.non2xx) / r.duration;
  log(
    `(c) p50 ${r.latency.p50} ms, p90 ${r.latency.p90} ms, p99 ${r.latency.p99} ms, max ${r.latency.max} ms, ` +
      `${fmt(achieved, 1)} req/s, non-2xx ${r.non2xx}, errors ${r.errors}`,
  );
  rows.push({ phase: '(c)', metric: 'create p50 (autocannon)', value: `${r.latency.p50} ms` });
  rows.push({
    phase: '(c)',
    metric: 'create p99 (autocannon)',
    value: `${r.latency.p99} ms`,
    goal: '< 25 ms',
    verdict: r.latency.p99 < 25 ? 'ok' : 'MISSED',
  });
  rows.push({ phase: '(c)', metric: 'create max (autocannon)', value: `${r.latency.max} ms` });
  rows.push({
    phase: '(c)',
    metric: 'achieved rate',
    value: `${fmt(achieved, 1)} req/s of ${RATE}`,
  });
  rows.push({
    phase: '(c)',
    metric: 'non-2xx / connection errors',
    value: `${r.non2xx} / ${r.errors}`,
  });

  // autocannon's rate limit is per connection and per second: each connection sends its share
  // back to back at the start of every second, so the load comes in bursts. The same rate evenly
  // paced (one request every 1000/RATE ms, open loop) shows what a steady stream of clients sees.
  log(`(c) evenly paced check: ${RATE} req/s for ${DURATION_S} s, open loop`);
  await pacedLoad(url, RATE, 2); // warm-up (opens the sockets)
  const even = await pacedLoad(url, RATE, DURATION_S);
  rows.push({
    phase: '(c)',
    metric: 'create p50 / p99 (evenly paced)',
    value: `${fmt(even.p50, 1)} / ${fmt(even.p99, 1)} ms`,
  });
  rows.push({
    phase: '(c)',
    metric: '  evenly paced: rate, non-2xx, p99 from send',
    value: `${fmt(even.rate, 1)} req/s, ${even.non2xx}, ${fmt(even.sendP99, 1)} ms`,
  });
  log(
    `(c) evenly paced: p50 ${fmt(even.p50, 1)} ms, p99 ${fmt(even.p99, 1)} ms, max ${fmt(even.max, 1)} ms, ` +
      `${fmt(even.rate, 1)} req/s, non-2xx ${even.non2xx}`,
  );

  if (worker) {
    // Let the worker finish what (c) created, so (d) starts from an empty queue.
    const created = (await countTasks(null)).total;
    const t0 = now();
    await waitSucceeded(null, created, 250, worker);
    const drain = (now() - t0) / 1000;
    notes.push(
      `(c) the measured autocannon run created ${fmt(createdByAutocannon)} tasks; the worker ran ` +
        `throughout and finished all of (c)'s tasks ${fmt(drain, 1)} s after the last request`,
    );
  } else {
    // No worker ran: drop (c)'s jobs and rows so (d) starts from an empty queue.
    const queue = new Queue(diagnostic.queue ?? diagnostic.name, {
      connection: redisOptions(benchConfig, 'producer'),
      prefix: PREFIX,
    });
    await queue.obliterate({ force: true });
    await queue.close();
    await db!.query('DELETE FROM tasks WHERE batch_id IS NULL');
    notes.push(
      `(c) ran with the worker stopped (BENCH_C_WORKER=1 keeps it running); the measured ` +
        `autocannon run created ${fmt(createdByAutocannon)} tasks, removed afterwards`,
    );
  }
}

/** Open-loop load: request i is due at t0 + i/rate; latency counts from when it was due. */
async function pacedLoad(
  url: string,
  rate: number,
  seconds: number,
): Promise<{
  p50: number;
  p99: number;
  max: number;
  sendP99: number;
  rate: number;
  non2xx: number;
}> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const body = JSON.stringify({ sleep_ms: 0 });
  const total = rate * seconds;
  const lat: number[] = [];
  // From the moment the request was written: without the load generator's own lag.
  const fromSend: number[] = [];
  let non2xx = 0;
  let sent = 0;
  const pending: Promise<void>[] = [];
  const one = (due: number) =>
    new Promise<void>((done) => {
      const start = now();
      const req = http.request(
        url,
        {
          method: 'POST',
          agent,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            'x-api-key': API_KEY,
          },
        },
        (res) => {
          res.resume();
          res.on('end', () => {
            lat.push(now() - due);
            fromSend.push(now() - start);
            if ((res.statusCode ?? 0) >= 300) non2xx++;
            done();
          });
        },
      );
      req.on('error', () => {
        non2xx++;
        done();
      });
      req.end(body);
    });
  const t0 = now();
  while (sent < total) {
    const due = Math.min(total, Math.floor(((now() - t0) / 1000) * rate) + 1);
    for (; sent < due; sent++) pending.push(one(t0 + (sent * 1000) / rate));
    await sleep(1);
  }
  await Promise.all(pending);
  const elapsed = (now() - t0) / 1000;
  agent.destroy();
  const pct = (list: number[], p: number) =>
    list.sort((x, y) => x - y)[Math.min(list.length - 1, Math.ceil((p / 100) * list.length) - 1)];
  return {
    p50: pct(lat, 50),
    p99: pct(lat, 99),
    max: lat[lat.length - 1],
    sendP99: pct(fromSend, 99),
    rate: total / elapsed,
    non2xx,
  };
}

/** V8 heap used / total of an app process in MiB, from its /metrics (prom-client defaults). */
async function heapOf(p: AppProcess): Promise<string> {
  try {
    const text = await (
      await fetch(`${p.url}/metrics`, { headers: { 'x-api-key': API_KEY } })
    ).text();
    const v = (name: string) => Number(new RegExp(`^${name} (\\S+)`, 'm').exec(text)![1]) / 2 ** 20;
    return `${fmt(v('nodejs_heap_size_used_bytes'), 1)} / ${fmt(v('nodejs_heap_size_total_bytes'), 1)} MiB`;
  } catch {
    return 'n/a';
  }
}

async function phaseD(api: AppProcess): Promise<void> {
  log(`(d) worker RSS: fresh worker, warm-up ${fmt(RSS_WARMUP)} tasks, then ${fmt(RSS_TASKS)}`);
  const worker = await startApp('worker');
  try {
    const warmIds: string[] = [];
    await postTasks(api, RSS_WARMUP, warmIds);
    await waitSucceeded(warmIds, RSS_WARMUP, 200, worker);
    await sleep(1000);
    const before = worker.memory();
    const heapBefore = await heapOf(worker);
    log(`(d) after warm-up: VmRSS ${fmt(before.rss, 1)} MiB, V8 heap used/total ${heapBefore}`);
    const ids: string[] = [];
    const cpu = await cpuMeter([api, worker]);
    const t0 = now();
    let next = 0.25;
    const trail: string[] = [];
    const sampler = setInterval(() => {
      void countTasks(ids).then(
        (c) => {
          if (c.succeeded >= next * RSS_TASKS && next < 1) {
            const rss = worker.memory().rss;
            log(`(d) ${fmt(c.succeeded)} done, VmRSS ${fmt(rss, 1)} MiB`);
            trail.push(fmt(rss, 0));
            next += 0.25;
          }
        },
        () => undefined,
      );
    }, 2000);
    try {
      await postTasks(api, RSS_TASKS, ids);
      await waitSucceeded(ids, RSS_TASKS, 250, worker);
    } finally {
      clearInterval(sampler);
    }
    const t1 = now();
    const after = worker.memory();
    const heapAfter = await heapOf(worker);
    await cpu('(d)', RSS_TASKS, 'task');
    const growth = (after.rss / before.rss - 1) * 100;
    log(
      `(d) after ${fmt(RSS_TASKS)} tasks: VmRSS ${fmt(after.rss, 1)} MiB (${growth >= 0 ? '+' : ''}${fmt(growth, 1)} %), ` +
        `VmHWM ${fmt(after.hwm, 1)} MiB, V8 heap used/total ${heapAfter}, ${fmt(RSS_TASKS / ((t1 - t0) / 1000))} tasks/s`,
    );
    rows.push({
      phase: '(d)',
      metric: `worker VmRSS after ${fmt(RSS_WARMUP)} warm-up`,
      value: `${fmt(before.rss, 1)} MiB`,
    });
    rows.push({
      phase: '(d)',
      metric: 'worker VmRSS at 25/50/75 % of the run',
      value: `${trail.join(' / ') || 'n/a'} MiB`,
    });
    rows.push({
      phase: '(d)',
      metric: `worker VmRSS after ${fmt(RSS_TASKS)} more`,
      value: `${fmt(after.rss, 1)} MiB (peak ${fmt(after.hwm, 1)})`,
    });
    rows.push({
      phase: '(d)',
      metric: 'RSS growth',
      value: `${growth >= 0 ? '+' : ''}${fmt(growth, 1)} %`,
      goal: '< 10 %',
      verdict: growth < 10 ? 'ok' : 'MISSED',
    });
    rows.push({
      phase: '(d)',
      metric: 'worker V8 heap used/total: warm / end',
      value: `${heapBefore} → ${heapAfter}`,
    });
    rows.push({
      phase: '(d)',
      metric: '  throughput during (d)',
      value: `${fmt(RSS_TASKS / ((t1 - t0) / 1000))} tasks/s`,
    });
  } finally {
    await worker.stop();
  }
}

// ---- cleanup ----------------------------------------------------------------------------------

let cleaning: Promise<void> | undefined;

function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    await Promise.all([...children].map((c) => c.stop().catch(() => undefined)));
    await db?.end().catch(() => undefined);
    if (dbCreated) {
      const admin = new Client({ connectionString: ADMIN_URL });
      try {
        await admin.connect();
        await admin.query(`DROP DATABASE IF EXISTS "${DB_NAME}" WITH (FORCE)`);
      } catch (err) {
        console.error(`could not drop database ${DB_NAME}: ${(err as Error).message}`);
      } finally {
        await admin.end().catch(() => undefined);
      }
    }
    const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
    try {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${PREFIX}*`, 'COUNT', 1000);
        cursor = next;
        if (keys.length) await redis.del(...keys);
      } while (cursor !== '0');
    } catch (err) {
      console.error(`could not delete Redis keys ${PREFIX}*: ${(err as Error).message}`);
    } finally {
      redis.disconnect();
    }
  })();
  return cleaning;
}

for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    console.error(`\n${sig}: cleaning up`);
    void cleanup().finally(() => process.exit(130));
  });
}

// ---- report -----------------------------------------------------------------------------------

function printTable(): void {
  const head = { phase: 'phase', metric: 'metric', value: 'value', goal: 'goal', verdict: '' };
  const all = [head, ...rows.map((r) => ({ ...r, goal: r.goal ?? '', verdict: r.verdict ?? '' }))];
  const w = (k: keyof typeof head) => Math.max(...all.map((r) => String(r[k]).length));
  const line = (r: (typeof all)[number]) =>
    `${r.phase.padEnd(w('phase'))}  ${r.metric.padEnd(w('metric'))}  ${r.value.padStart(w('value'))}  ${r.goal.padEnd(w('goal'))}  ${r.verdict}`.trimEnd();
  console.log(line(head));
  console.log('-'.repeat(line(head).length + 8));
  for (const r of all.slice(1)) console.log(line(r));
}

async function main(): Promise<void> {
  if (Number(process.versions.node.split('.')[0]) < 24) {
    throw new Error(
      `the app needs Node 24 and its children run on this node (${process.version}): use npm run bench:tasks`,
    );
  }
  const cpus = os.cpus();
  const machine =
    `${cpus.length} CPU(s) (${cpus[0]?.model ?? 'unknown'}), ${fmt(os.totalmem() / 2 ** 30, 1)} GiB RAM, ` +
    `Node ${process.version}, ${process.platform}/${process.arch}`;
  const loadStart = os
    .loadavg()
    .map((l) => fmt(l, 2))
    .join(' ');
  const phases = ['a', 'b', 'c', 'd'].filter((p) => !SKIP.has(p));
  log(
    `machine: ${machine}; load average ${os
      .loadavg()
      .map((l) => fmt(l, 2))
      .join(' ')}`,
  );
  log(`phases: ${phases.join(', ') || '(none)'}; database ${DB_NAME}; Redis prefix ${PREFIX}`);

  await createDatabase();
  let api: AppProcess | undefined;
  let worker: AppProcess | undefined;
  let rateA: number | undefined;
  let rateB: number | undefined;
  try {
    const ratesA: number[] = [];
    if (phases.includes('a')) ratesA.push(await phaseA(phases.includes('b') ? ' before (b)' : ''));
    if (phases.some((p) => p !== 'a')) {
      api = await startApp('api');
      log(`API child pid ${api.pid} on ${api.url}`);
    }
    if (phases.includes('b') || (phases.includes('c') && C_WORKER)) {
      worker = await startApp('worker');
      log(`worker child pid ${worker.pid}`);
    }
    if (phases.includes('b')) rateB = await phaseB(api!, worker!);
    if (!C_WORKER) {
      await worker?.stop();
      worker = undefined;
    }
    // A second baseline after (b): other work on the machine comes and goes, and the ratio
    // should not profit from a baseline that happened to run in a busy moment.
    if (phases.includes('a') && rateB) ratesA.push(await phaseA(' after (b)'));
    if (ratesA.length) {
      rateA = Math.max(...ratesA);
      rows.unshift({
        phase: '(a)',
        metric: `bare BullMQ no-op jobs/s${ratesA.length > 1 ? ' (before / after (b))' : ''}`,
        value: ratesA.map((r) => fmt(r)).join(' / '),
      });
    }
    if (rateA && rateB) {
      const ratio = rateB / rateA;
      rows.push({
        phase: '(b/a)',
        metric: `full path / bare BullMQ${ratesA.length > 1 ? ' (the higher baseline)' : ''}`,
        value: fmt(ratio, 3),
        goal: '≥ 0.20',
        verdict: ratio >= 0.2 ? 'ok' : 'MISSED',
      });
    }
    if (phases.includes('c')) await phaseC(api!, worker);
    await worker?.stop();
    if (phases.includes('d')) await phaseD(api!);

    console.log('');
    console.log(`Assay task bench: ${machine}`);
    console.log(
      `load average at start ${loadStart}, at end ${os
        .loadavg()
        .map((l) => fmt(l, 2))
        .join(' ')}` +
        ' (other work on the machine skews every figure; see "rest of machine" below)',
    );
    console.log(
      `N=${fmt(N)}, BENCH_RSS_TASKS=${fmt(RSS_TASKS)}; worker concurrency ${CONCURRENCY}` +
        `${benchConfig.WORKER_CONCURRENCY ? ' (WORKER_CONCURRENCY)' : ' (diagnostic task type)'}, ` +
        `DATABASE_POOL_SIZE ${benchConfig.DATABASE_POOL_SIZE}, LOG_LEVEL=warn, NODE_ENV=production`,
    );
    console.log(
      'processes: API = one child process (ASSAY_ROLE=api) for (b)-(d); worker = child process ' +
        '(ASSAY_ROLE=worker) for (b), a fresh one for (d)' +
        (C_WORKER ? ', kept running during (c)' : ', none during (c)') +
        '; both `node dist/src/main.js`. (a), the HTTP load and the polling run in the bench process',
    );
    console.log('');
    printTable();
    console.log('');
    for (const n of notes) console.log(`note: ${n}`);
    for (const p of started.filter((s) => s.warnings)) {
      console.log(`note: ${p.role} (pid ${p.pid}) logged ${p.warnings} warning/error line(s)`);
    }
  } catch (err) {
    for (const p of started) {
      if (p.tail.length)
        console.error(`--- ${p.role} (pid ${p.pid}) log tail ---\n${p.tail.join('\n')}`);
    }
    throw err;
  } finally {
    await cleanup();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(
      `bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
    );
    process.exit(1);
  },
);
