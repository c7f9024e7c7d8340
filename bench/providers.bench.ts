/**
 * Figures for the provider call path (`npm run bench:providers`). Not a test: it prints numbers
 * and exits 0 unless something broke.
 *
 *   (1) shared rate limit: BENCH_CALLS (2,000) tasks, each one lookup at a local vendor stub
 *       whose quota is BENCH_QUOTA (20) calls/s — strict: a 429 as soon as a sliding 1-s window
 *       would hold more — and that takes BENCH_LATENCY_MS (50) ms per call. The tasks run on 2
 *       worker processes sharing the Redis rate limiter (provider configured with the quota).
 *       → achieved rate vs quota (goal ≥ 98 %), 429s (goal 0)
 *   (2) the same inputs again → vendor calls (goal 0: all cache hits)
 *   (3) wrapper overhead per call: ProviderClient.call against the stub (no rate limit, no delay)
 *       vs calling the stub directly with fetch, p50 difference (goal < 2 ms)
 *
 * The app runs as child processes (`dist/bench/providers/bench-app.main.js`: createApp with the
 * bench's provider and task type): one API, two workers, one for (3). The stubs live in this
 * process. Everything it creates (database assay_bench_<random>, Redis keys under its own
 * prefix, child processes, servers) is removed at the end, also on failure or Ctrl-C.
 *
 * Environment: BENCH_CALLS, BENCH_QUOTA, BENCH_LATENCY_MS, BENCH_OVERHEAD_CALLS (1000),
 * BENCH_WORKER_CONCURRENCY (10), BENCH_STUB_QUOTA (the stub's own quota, default BENCH_QUOTA;
 * 0 = no 429s, to observe the schedule alone), BENCH_ADMIN_DATABASE_URL, BENCH_REDIS_URL;
 * RATE_LIMIT_MARGIN_MS is passed on to the app.
 */
import 'reflect-metadata';
import Redis from 'ioredis';
import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { loadConfig } from '../src/common/config/app.config';
import { runMigrations } from '../src/database/migrate';

// ---- settings ---------------------------------------------------------------------------------

const env = process.env;
const int = (name: string, def: number) => {
  const v = env[name];
  if (v === undefined || v === '') return def;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer`);
  return n;
};
const CALLS = int('BENCH_CALLS', 2000);
const QUOTA = int('BENCH_QUOTA', 20);
const LATENCY_MS = int('BENCH_LATENCY_MS', 50);
const OVERHEAD_CALLS = int('BENCH_OVERHEAD_CALLS', 1000);
const WORKER_CONCURRENCY = int('BENCH_WORKER_CONCURRENCY', 10);
const ADMIN_URL = env.BENCH_ADMIN_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const STALL_MS = 60_000;

const ROOT = resolve(__dirname, '..', '..');
const CHILD = join(__dirname, 'providers', 'bench-app.main.js');
const RUN = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
const DB_NAME = `assay_bench_${RUN}`;
const PREFIX = `assay-bench-${RUN}`;
const API_KEY = `bench-${randomBytes(16).toString('hex')}`;
const dbUrl = (() => {
  const u = new URL(ADMIN_URL);
  u.pathname = `/${DB_NAME}`;
  return u.toString();
})();

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const fmt = (n: number, digits = 0) =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const log = (msg: string) =>
  console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}`);
const now = () => performance.timeOrigin + performance.now();

// ---- the vendor stub --------------------------------------------------------------------------

/**
 * `POST /lookup {domain}` → 200 `{company}` after `latencyMs`. With a quota: 429 (Retry-After)
 * whenever a sliding 1-s window would hold more than `quota` accepted calls — stricter than any
 * fixed-window alignment a vendor may use.
 */
class VendorStub {
  readonly accepted: number[] = [];
  readonly rejected: number[] = [];
  private readonly window: number[] = [];
  private server!: Server;

  constructor(
    private readonly quota: number,
    private readonly latencyMs: number,
  ) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.keepAliveTimeout = 60_000;
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    servers.add(this);
    return this;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  reset(): void {
    this.accepted.length = 0;
    this.rejected.length = 0;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = now();
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    if (this.quota > 0) {
      while (this.window.length && this.window[0] <= at - 1000) this.window.shift();
      if (this.window.length >= this.quota) {
        this.rejected.push(at);
        const retryAfter = Math.max(1, Math.ceil((this.window[0] + 1000 - at) / 1000));
        res.writeHead(429, {
          'content-type': 'application/json',
          'retry-after': String(retryAfter),
        });
        res.end('{"error":"rate limit exceeded"}');
        return;
      }
      this.window.push(at);
    }
    this.accepted.push(at);
    if (this.latencyMs) await sleep(this.latencyMs);
    const { domain } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { domain: string };
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ company: { domain, legal_name: `Company of ${domain}` } }));
  }

  async close(): Promise<void> {
    servers.delete(this);
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}
const servers = new Set<VendorStub>();

/** Most timestamps inside any window of `windowMs` (sliding). */
function maxInAnyWindow(sorted: number[], windowMs: number): number {
  let best = 0;
  for (let i = 0, j = 0; j < sorted.length; j++) {
    while (sorted[j] - sorted[i] >= windowMs) i++;
    best = Math.max(best, j - i + 1);
  }
  return best;
}

// ---- child processes --------------------------------------------------------------------------

const appEnv = (extra: Record<string, string>): Record<string, string> => ({
  PATH: env.PATH ?? '',
  NODE_ENV: 'production',
  HOST: '127.0.0.1',
  PORT: '0',
  DATABASE_URL: dbUrl,
  DATABASE_CREATE: 'false',
  DATABASE_MIGRATIONS_RUN: 'false',
  REDIS_URL,
  REDIS_PREFIX: PREFIX,
  ASSAY_API_KEYS: API_KEY,
  LOG_LEVEL: 'warn',
  SHUTDOWN_GRACE_MS: '3000',
  DIAGNOSTIC_TASK_ENABLED: 'false',
  SWEEPS_ENABLED: 'false',
  ...(env.RATE_LIMIT_MARGIN_MS ? { RATE_LIMIT_MARGIN_MS: env.RATE_LIMIT_MARGIN_MS } : {}),
  ...extra,
});

class Child {
  readonly proc: ChildProcess;
  readonly tail: string[] = [];
  readonly lines: string[] = [];
  readonly exited: Promise<number | null>;
  exitCode: number | null | undefined = undefined;
  port = 0;

  constructor(
    readonly name: string,
    childEnv: Record<string, string>,
  ) {
    this.proc = spawn(process.execPath, [CHILD], {
      cwd: ROOT,
      env: childEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.add(this);
    let buffered = '';
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString();
      const parts = buffered.split('\n');
      buffered = parts.pop() ?? '';
      for (const line of parts) {
        if (!line.trim()) continue;
        if (line.startsWith('{"bench"')) this.lines.push(line);
        this.tail.push(line.slice(0, 400));
        if (this.tail.length > 30) this.tail.shift();
      }
    };
    this.proc.stdout!.on('data', onData);
    this.proc.stderr!.on('data', onData);
    this.exited = new Promise((r) =>
      this.proc.once('exit', (code) => {
        this.exitCode = code;
        children.delete(this);
        r(code);
      }),
    );
  }

  /** Waits for the child's `{"bench":"<what>",...}` line. */
  async message(what: string, timeoutMs: number): Promise<Record<string, any>> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const line = this.lines.find((l) => l.startsWith(`{"bench":"${what}"`));
      if (line) return JSON.parse(line) as Record<string, any>;
      if (this.exitCode !== undefined) {
        throw new Error(`${this.name} exited (${this.exitCode}):\n${this.tail.join('\n')}`);
      }
      if (Date.now() > until)
        throw new Error(`${this.name}: no "${what}" in time:\n${this.tail.join('\n')}`);
      await sleep(50);
    }
  }

  async ready(): Promise<this> {
    this.port = (await this.message('listening', 60_000)).port as number;
    return this;
  }

  async stop(): Promise<void> {
    if (this.exitCode !== undefined) return;
    this.proc.kill('SIGTERM');
    const late = await Promise.race([
      this.exited.then(() => false),
      sleep(15_000).then(() => true),
    ]);
    if (late && this.exitCode === undefined) {
      this.proc.kill('SIGKILL');
      await this.exited;
    }
  }
}
const children = new Set<Child>();

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
  await runMigrations(loadConfig({ ...appEnv({}), PORT: '1' }), { log: () => undefined } as never);
  db = new Client({ connectionString: dbUrl });
  await db.connect();
}

/** Waits until every task of the batches is final; fails on a failed task or a stall. */
async function waitDone(batchIds: string[], expected: number, workers: Child[]): Promise<void> {
  let last = -1;
  let lastChange = Date.now();
  for (;;) {
    const { rows } = await db!.query(
      `SELECT count(*) FILTER (WHERE status = 'succeeded')::int AS ok,
              count(*) FILTER (WHERE status IN ('failed','cancelled'))::int AS bad
         FROM tasks WHERE batch_id = ANY($1::uuid[])`,
      [batchIds],
    );
    const { ok, bad } = rows[0] as { ok: number; bad: number };
    if (bad) {
      const { rows: errors } = await db!.query(
        `SELECT error FROM tasks WHERE batch_id = ANY($1::uuid[]) AND status IN ('failed','cancelled') LIMIT 3`,
        [batchIds],
      );
      throw new Error(`${bad} task(s) failed or were cancelled: ${JSON.stringify(errors)}`);
    }
    if (ok >= expected) return;
    if (ok !== last) {
      last = ok;
      lastChange = Date.now();
    } else if (Date.now() - lastChange > STALL_MS) {
      throw new Error(
        `no progress for ${STALL_MS / 1000} s (${ok}/${expected})\n${workers[0].tail.join('\n')}`,
      );
    }
    for (const w of workers) {
      if (w.exitCode !== undefined) throw new Error(`${w.name} exited:\n${w.tail.join('\n')}`);
    }
    await sleep(250);
  }
}

async function postBatches(api: Child, domains: string[]): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < domains.length; i += 1000) {
    const res = await fetch(`http://127.0.0.1:${api.port}/api/v1/tasks/batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': API_KEY },
      body: JSON.stringify({
        task_name: 'bench_lookup',
        payloads: domains.slice(i, i + 1000).map((domain) => ({ domain })),
      }),
    });
    const body = (await res.json()) as { batch_id?: string };
    if (res.status !== 202 || !body.batch_id) {
      throw new Error(`POST /api/v1/tasks/batch answered ${res.status}: ${JSON.stringify(body)}`);
    }
    ids.push(body.batch_id);
  }
  return ids;
}

async function ledgerOf(batchIds: string[]): Promise<{ paid: number; hits: number }> {
  const { rows } = await db!.query(
    `SELECT count(*) FILTER (WHERE NOT c.cached)::int AS paid, count(*) FILTER (WHERE c.cached)::int AS hits
       FROM provider_calls c JOIN tasks t ON t.id = c.task_id WHERE t.batch_id = ANY($1::uuid[])`,
    [batchIds],
  );
  return rows[0] as { paid: number; hits: number };
}

// ---- phases -----------------------------------------------------------------------------------

interface Row {
  metric: string;
  value: string;
  goal?: string;
  verdict?: 'ok' | 'MISSED';
}
const rows: Row[] = [];
const verdict = (ok: boolean): 'ok' | 'MISSED' => (ok ? 'ok' : 'MISSED');

async function limiterRuns(): Promise<void> {
  const stub = await new VendorStub(int('BENCH_STUB_QUOTA', QUOTA), LATENCY_MS).start();
  const providerEnv = {
    BENCHSTUB_BASE_URL: stub.url,
    BENCHSTUB_RATE_PER_SECOND: String(QUOTA),
    WORKER_CONCURRENCY: String(WORKER_CONCURRENCY),
  };
  log(`starting 1 API + 2 worker processes (worker concurrency ${WORKER_CONCURRENCY})`);
  const [api, ...workers] = await Promise.all([
    new Child('api', appEnv({ ...providerEnv, ASSAY_ROLE: 'api' })).ready(),
    new Child('worker-1', appEnv({ ...providerEnv, ASSAY_ROLE: 'worker' })).ready(),
    new Child('worker-2', appEnv({ ...providerEnv, ASSAY_ROLE: 'worker' })).ready(),
  ]);
  const domains = Array.from({ length: CALLS }, (_, i) => `company-${i}.bench.example`);
  try {
    log(`(1) ${fmt(CALLS)} calls, quota ${QUOTA}/s, ${LATENCY_MS} ms per call`);
    const t0 = now();
    const first = await postBatches(api, domains);
    await waitDone(first, CALLS, workers);
    const wall = (now() - t0) / 1000;
    const times = [...stub.accepted].sort((a, b) => a - b);
    const span = (times[times.length - 1] - times[0]) / 1000;
    const rate = (times.length - 1) / span;
    const ratio = rate / QUOTA;
    const peak = maxInAnyWindow(times, 1000);
    // How tight the schedule was at the vendor: the time covered by QUOTA + 1 consecutive calls
    // (under 1 s = one call too many in a strict vendor's window).
    const spans = times
      .slice(QUOTA)
      .map((t, i) => t - times[i])
      .sort((a, b) => a - b);
    const q = (p: number) => spans[Math.min(spans.length - 1, Math.floor(p * spans.length))];
    const l1 = await ledgerOf(first);
    log(
      `(1) ${fmt(rate, 2)} calls/s = ${fmt(ratio * 100, 1)} % of quota; ${stub.rejected.length} × 429; ` +
        `peak ${peak} in a 1-s window; wall ${fmt(wall, 1)} s`,
    );
    rows.push(
      {
        metric: '(1) achieved rate at the vendor',
        value: `${fmt(rate, 2)}/s = ${fmt(ratio * 100, 1)} % of ${QUOTA}/s`,
        goal: '≥ 98 %',
        verdict: verdict(ratio >= 0.98),
      },
      {
        metric: '(1) 429 answers',
        value:
          String(stub.rejected.length) +
          (stub.rejected.length
            ? ` (at ${stub.rejected
                .slice(0, 5)
                .map((t) => `${fmt((t - times[0]) / 1000, 1)} s`)
                .join(', ')}${stub.rejected.length > 5 ? '…' : ''})`
            : ''),
        goal: '0',
        verdict: verdict(stub.rejected.length === 0),
      },
      { metric: '(1) most calls in any 1-s window', value: `${peak} (quota ${QUOTA})` },
      {
        metric: `(1) time spanned by ${QUOTA + 1} consecutive calls`,
        value: `min ${fmt(q(0))} / p1 ${fmt(q(0.01))} / p50 ${fmt(q(0.5))} ms`,
      },
      {
        metric: '(1) vendor calls / paid ledger rows',
        value: `${stub.accepted.length} / ${l1.paid}`,
      },
      { metric: '(1) wall time (submit → all done)', value: `${fmt(wall, 1)} s` },
    );

    log(`(2) the same ${fmt(CALLS)} inputs again`);
    stub.reset();
    const t1 = now();
    const second = await postBatches(api, domains);
    await waitDone(second, CALLS, workers);
    const wall2 = (now() - t1) / 1000;
    const l2 = await ledgerOf(second);
    const vendor2 = stub.accepted.length + stub.rejected.length;
    log(`(2) ${vendor2} vendor calls, ${l2.hits} cache hits, wall ${fmt(wall2, 1)} s`);
    rows.push(
      {
        metric: '(2) vendor calls',
        value: String(vendor2),
        goal: '0',
        verdict: verdict(vendor2 === 0),
      },
      { metric: '(2) cache hits (ledger)', value: `${l2.hits} of ${CALLS}` },
      { metric: '(2) wall time', value: `${fmt(wall2, 1)} s` },
    );
  } finally {
    await Promise.all([api, ...workers].map((c) => c.stop()));
    await stub.close();
  }
}

async function overheadRun(): Promise<void> {
  const stub = await new VendorStub(0, 0).start();
  log(`(3) wrapper overhead: ${fmt(OVERHEAD_CALLS)} calls each way, no rate limit, no stub delay`);
  const child = new Child(
    'overhead',
    appEnv({
      ASSAY_ROLE: 'api',
      BENCH_CHILD_MODE: 'overhead',
      BENCH_OVERHEAD_CALLS: String(OVERHEAD_CALLS),
      BENCHSTUB_BASE_URL: stub.url,
      BENCHSTUB_RATE_PER_SECOND: '0',
    }),
  );
  try {
    const r = await child.message('overhead', 300_000);
    await child.exited;
    const f = (x: { p50: number; p90: number; p99: number }) =>
      `p50 ${fmt(x.p50, 2)} / p90 ${fmt(x.p90, 2)} / p99 ${fmt(x.p99, 2)} ms`;
    log(`(3) direct ${f(r.direct_ms)}; ProviderClient ${f(r.client_ms)}`);
    rows.push(
      { metric: '(3) direct fetch to the stub', value: f(r.direct_ms) },
      { metric: '(3) ProviderClient.call (cache miss)', value: f(r.client_ms) },
      { metric: '(3) ProviderClient.call (cache hit)', value: f(r.cache_hit_ms) },
      {
        metric: '(3) wrapper overhead per call, p50',
        value: `${fmt(r.overhead_p50_ms, 2)} ms`,
        goal: '< 2 ms',
        verdict: verdict(r.overhead_p50_ms < 2),
      },
    );
  } finally {
    await child.stop();
    await stub.close();
  }
}

// ---- cleanup ----------------------------------------------------------------------------------

async function cleanup(): Promise<void> {
  await Promise.all([...children].map((c) => c.stop().catch(() => undefined)));
  await Promise.all([...servers].map((s) => s.close().catch(() => undefined)));
  await db?.end().catch(() => undefined);
  if (dbCreated) {
    const admin = new Client({ connectionString: ADMIN_URL });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${DB_NAME}" WITH (FORCE)`);
    await admin.end();
  }
  const redis = new Redis(REDIS_URL);
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${PREFIX}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length) await redis.del(...keys);
  } while (cursor !== '0');
  await redis.quit();
}

function printTable(): void {
  const widths = [48, 44, 8, 7];
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join(' ')
      .trimEnd();
  console.log('');
  console.log(line(['metric', 'value', 'goal', 'verdict']));
  console.log(widths.map((w) => '-'.repeat(w)).join(' '));
  for (const r of rows) console.log(line([r.metric, r.value, r.goal ?? '', r.verdict ?? '']));
  console.log('');
}

async function main(): Promise<void> {
  const cpus = os.cpus();
  console.log(
    `machine: ${cpus.length} × ${cpus[0]?.model ?? 'cpu'}, ${fmt(os.totalmem() / 2 ** 30, 1)} GiB RAM, ` +
      `node ${process.version}, ${os.platform()} ${os.release()}, load average ${os
        .loadavg()
        .map((l) => fmt(l, 2))
        .join(' ')}`,
  );
  let interrupted = false;
  process.once('SIGINT', () => {
    interrupted = true;
    log('interrupted: cleaning up');
    void cleanup().finally(() => process.exit(130));
  });
  try {
    await createDatabase();
    await limiterRuns();
    await overheadRun();
    printTable();
    console.log(
      `load average at the end: ${os
        .loadavg()
        .map((l) => fmt(l, 2))
        .join(' ')}`,
    );
  } finally {
    if (!interrupted) await cleanup();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : err);
  process.exitCode = 1;
});
