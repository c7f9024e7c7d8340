/**
 * `npm run test:chaos` — a fault-injection run anyone can repeat (issue 8 §6). Not part of
 * `npm test`: the full run takes about 6½ minutes. `--help` lists the options; `--quick` is a
 * ~2 minute version for development.
 *
 * It starts everything it uses, on free loopback ports, in one temporary directory:
 *   - its own PostgreSQL cluster (initdb; as the `postgres` user when run as root) and its own
 *     redis-server — never the shared 5432 / 6379;
 *   - the app as OS processes from the compiled build (dist/bench/chaos/chaos-app.main.js: the
 *     application as `node dist/src/main.js` runs it, plus the tests' paid-provider task type
 *     `provider_probe`): 1 API and N workers, sweeps on, every other setting at the app's default;
 *   - a vendor stub that charges per call and records the task and stage of each (the domain it
 *     is asked about names both), and a callback receiver that checks every signature.
 * A load of diagnostic tasks (stages a, b, c) and provider_probe tasks (a paid lookup through
 * the shared-cache provider, then one through the no-cache provider), every one with a
 * callback_url, is created through the API at a steady rate while these faults run one after the
 * other: worker SIGKILLs (each worker restarted), Redis stopped then started, PostgreSQL
 * restarted, then stopped and started, the receiver answering 503, and a worker SIGKILLed right
 * as a burst of tasks finishes (the window between a task's commit and its callback's enqueue).
 * Then it waits (up to --drain) for every task to end and every final callback to arrive, and
 * prints the table. Every write to `tasks` is recorded by a trigger the harness adds to its own
 * database (which process wrote what and when), which is what the recovery times and the
 * "stage run twice" count are computed from; the app's code is not changed.
 *
 * Exit code: 0 when every count is 0 and every recovery is within the goal; 1 otherwise; 2 when
 * the run itself failed. Everything is stopped and removed at the end, also on failure or Ctrl-C
 * (--keep keeps the directory: app logs, PostgreSQL data and log).
 */
import 'reflect-metadata';
import Redis from 'ioredis';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { join } from 'node:path';
import { Pool } from 'pg';
import { rmSync } from 'node:fs';
import { Webhook } from 'standardwebhooks';
import { loadConfig } from '../../src/common/config/app.config';
import { stubEnv } from '../../test/providers/support/stub.provider';
import { lookupVendor, Reply, VendorStub } from '../../test/support/vendor-stub';
import { WebhookReceiver } from '../../test/support/webhook-receiver';
import { analyse, printReport } from './analysis';
import { AppProcess, findPgBin, PgCluster, RedisServer, runDirectory, sleep } from './infra';
import { ChaosOptions, FaultKind, parseOptions, rng, USAGE } from './options';
import { CHAOS_PROVIDERS } from './shared';

// ---- run state (read by analysis.ts) ----------------------------------------------------------

export type TaskKind = 'diagnostic' | 'probe' | 'burst';

export interface TaskSpec {
  idx: number;
  kind: TaskKind;
  jobId: string;
  type: 'diagnostic' | 'provider_probe';
  payload: Record<string, unknown>;
}

export interface Accepted {
  spec: TaskSpec;
  taskId: string;
  acceptedAt: number;
}

export interface Fault {
  kind: FaultKind;
  label: string;
  start: number;
  end: number;
  /** The process killed (kills, commit-crash). */
  victim?: string;
  note?: string;
  /** commit-crash: deliveries committed with their task's end but without a queued job at the kill. */
  hits?: string[];
}

export interface Callback {
  at: number;
  webhookId: string;
  taskId: string;
  jobId: string;
  event: string;
  page: number | null;
  status: number;
  signatureOk: boolean;
}

export interface HttpProblem {
  at: number;
  status: number;
  what: string;
  detail?: string;
  /** A documented dependency outage answer: 503 with Retry-After naming postgres / redis. */
  dependency?: string;
}

export interface ProcessExit {
  name: string;
  at: number;
  exit: string;
  tail: string;
}

export interface RunState {
  opts: ChaosOptions;
  startedAt: number;
  loadStartedAt: number;
  loadDoneAt: number;
  drainEndedAt: number;
  settled: boolean;
  specs: TaskSpec[];
  accepted: Map<string, Accepted>;
  gaveUp: TaskSpec[];
  faults: Fault[];
  callbacks: Callback[];
  http: {
    requests: number;
    byStatus: Map<number, number>;
    fiveXX: HttpProblem[];
    network: HttpProblem[];
  };
  exits: ProcessExit[];
  /** Processes that exited during start-up (a dependency was down when they started). */
  startupFailures: ProcessExit[];
  /** Vendor domain → the task (client job id) and stage it was asked for. */
  domains: Map<string, { jobId: string; stage: string }>;
  /** pid → process name, for the vendor stub's x-caller-pid. */
  pids: Map<number, string>;
  stub: VendorStub;
  db: Pool;
  prefix: string;
}

// ---- helpers ------------------------------------------------------------------------------------

const t0 = Date.now();
const stamp = () => `+${((Date.now() - t0) / 1000).toFixed(1).padStart(6)}s`;
export const log = (msg: string) => console.log(`[chaos ${stamp()}] ${msg}`);
const fmt = (n: number, d = 0) =>
  n.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });

const API_KEY = `chaos-${randomBytes(16).toString('hex')}`;
const SECRET = `whsec_${randomBytes(32).toString('base64')}`;
const DB_NAME = 'assay_chaos';
const PREFIX = 'chaos';
const CHILD = join(__dirname, 'chaos-app.main.js');

/** Every write to `tasks`, by which process (application_name) and when (the harness's own DB). */
const INSTRUMENTATION = `
CREATE TABLE chaos_task_events (
  id bigserial PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT clock_timestamp(),
  task_id uuid NOT NULL,
  app text,
  op char(1) NOT NULL,
  old_status text, status text,
  old_attempts int, attempts int,
  stage text,
  next_attempt_at timestamptz,
  ckpt jsonb
);
CREATE INDEX chaos_task_events_task ON chaos_task_events (task_id, at);
CREATE INDEX chaos_task_events_at ON chaos_task_events (at);
CREATE FUNCTION chaos_log_task() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE changed jsonb;
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO chaos_task_events (task_id, app, op, status, attempts, stage, next_attempt_at)
    VALUES (NEW.id, current_setting('application_name', true), 'I', NEW.status, NEW.attempts,
            NEW.stage, NEW.next_attempt_at);
    RETURN NEW;
  END IF;
  IF NEW.status IS NOT DISTINCT FROM OLD.status AND NEW.attempts IS NOT DISTINCT FROM OLD.attempts
     AND NEW.stage IS NOT DISTINCT FROM OLD.stage AND NEW.checkpoints IS NOT DISTINCT FROM OLD.checkpoints
     AND NEW.next_attempt_at IS NOT DISTINCT FROM OLD.next_attempt_at THEN
    RETURN NEW;  -- e.g. a lease renewal
  END IF;
  SELECT jsonb_object_agg(e.key, e.value) INTO changed
    FROM jsonb_each(COALESCE(NEW.checkpoints, '{}'::jsonb)) e
   WHERE (OLD.checkpoints -> e.key) IS DISTINCT FROM e.value;
  INSERT INTO chaos_task_events (task_id, app, op, old_status, status, old_attempts, attempts,
                                 stage, next_attempt_at, ckpt)
  VALUES (NEW.id, current_setting('application_name', true), 'U', OLD.status, NEW.status,
          OLD.attempts, NEW.attempts, NEW.stage, NEW.next_attempt_at, changed);
  RETURN NEW;
END $$;
CREATE TRIGGER chaos_task_events AFTER INSERT OR UPDATE ON tasks
  FOR EACH ROW EXECUTE FUNCTION chaos_log_task();
`;

// ---- the run ------------------------------------------------------------------------------------

class ChaosRun {
  readonly rand: () => number;
  readonly tag = randomBytes(3).toString('hex');
  dir = '';
  pg!: PgCluster;
  redis!: RedisServer;
  receiver!: WebhookReceiver;
  state!: RunState;
  private readonly slots = new Map<string, AppProcess>();
  private readonly gens = new Map<string, number>();
  private callbacksDown = false;
  private stopping = false;
  private stopLoad = false;
  /** Set once the first processes serve: from then on a process that dies is started again. */
  private booted = false;
  /** Start-up times of the app processes (ms), for the plan of the kill phase. */
  readonly bootMs: number[] = [];
  private readonly verifier = new Webhook(SECRET);

  constructor(readonly opts: ChaosOptions) {
    this.rand = rng(opts.seed);
  }

  // ---- processes ----

  private env(slot: string, name: string): Record<string, string> {
    const o = this.opts;
    const providers = Object.assign(
      {},
      ...CHAOS_PROVIDERS.map((p) => stubEnv(this.state.stub.url, p.id)),
    ) as Record<string, string>;
    return {
      PATH: process.env.PATH ?? '',
      // Only for a build outside the repository (module resolution); unset normally.
      ...(process.env.NODE_PATH ? { NODE_PATH: process.env.NODE_PATH } : {}),
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: '0',
      ASSAY_ROLE: slot === 'api' ? 'api' : 'worker',
      DATABASE_URL: this.pg.url(DB_NAME),
      DATABASE_MIGRATIONS_RUN: slot === 'api' ? 'true' : 'false',
      REDIS_URL: this.redis.url,
      REDIS_PREFIX: PREFIX,
      ASSAY_API_KEYS: API_KEY,
      LOG_LEVEL: o.logLevel,
      SWEEPS_ENABLED: 'true',
      CALLBACK_SIGNING_SECRET: SECRET,
      CALLBACK_ALLOWED_HOSTS: '127.0.0.1',
      ...(o.callbackRetrySchedule !== 'app'
        ? { CALLBACK_RETRY_SCHEDULE: o.callbackRetrySchedule }
        : {}),
      ...providers,
      // Every PostgreSQL connection of the process carries its name (node-postgres reads it).
      PGAPPNAME: name,
      ...o.appEnv,
    };
  }

  /** Starts the next generation of a slot (api, w1, w2…); resolves when it serves. */
  spawn(slot: string): Promise<AppProcess> {
    const gen = this.gens.get(slot) ?? 0;
    this.gens.set(slot, gen + 1);
    const name = `${slot}.${gen}`;
    const p = new AppProcess(name, CHILD, this.env(slot, name), this.dir);
    this.slots.set(slot, p);
    this.state.pids.set(p.pid, name);
    void p.exited.then(async () => {
      if (p.expectedExit || this.stopping || !this.booted) return;
      const exit = p.exit?.signal ?? `code ${p.exit?.code}`;
      const entry = { name, at: Date.now(), exit, tail: p.output().slice(-1500) };
      if (p.readyAt) {
        this.state.exits.push(entry);
        log(`UNEXPECTED: ${name} exited (${exit}); starting it again`);
      } else {
        // Start-up stops when PostgreSQL or Redis cannot be reached (by design); an orchestrator
        // would start it again, and so does the harness, a second later.
        this.state.startupFailures.push(entry);
        log(
          `${name} could not start (${exit}: ${p.output().split('\n')[0].slice(0, 160)}); starting it again in 1 s`,
        );
        await sleep(1000);
        if (this.stopping || this.state.startupFailures.length > 50) return;
      }
      if (this.slots.get(slot) === p) void this.spawn(slot).catch(() => undefined);
    });
    return p.ready().then((ready) => {
      this.bootMs.push(ready.readyAt - ready.startedAt);
      if (this.booted)
        log(`${name} serves (started in ${fmt((ready.readyAt - ready.startedAt) / 1000, 1)} s)`);
      return ready;
    });
  }

  get api(): AppProcess {
    return this.slots.get('api')!;
  }

  workers(): AppProcess[] {
    return [...this.slots.entries()].filter(([s]) => s !== 'api').map(([, p]) => p);
  }

  slotOf(p: AppProcess): string {
    return p.name.split('.')[0];
  }

  /** Waits (up to 90 s) until every slot's current process serves. */
  async allStarted(): Promise<void> {
    const until = Date.now() + 90_000;
    while ([...this.slots.values()].some((p) => !(p.running && p.readyAt)) && Date.now() < until) {
      await sleep(100);
    }
  }

  // ---- client side ----

  async http(
    method: string,
    path: string,
    what: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; body: any }> {
    const h = this.state.http;
    h.requests++;
    try {
      const res = await fetch(`${this.api.url}${path}`, {
        method,
        headers: {
          'x-api-key': API_KEY,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(30_000),
      });
      const text = await res.text();
      h.byStatus.set(res.status, (h.byStatus.get(res.status) ?? 0) + 1);
      if (res.status >= 500) {
        let dependency: string | undefined;
        try {
          const body = JSON.parse(text) as { dependency?: unknown };
          if (
            res.status === 503 &&
            res.headers.get('retry-after') &&
            typeof body.dependency === 'string'
          )
            dependency = body.dependency;
        } catch {
          /* not JSON: not a documented answer */
        }
        h.fiveXX.push({
          at: Date.now(),
          status: res.status,
          what,
          detail: text.slice(0, 300),
          dependency,
        });
      }
      let parsed: any = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        /* not JSON */
      }
      return { status: res.status, body: parsed };
    } catch (err) {
      h.network.push({ at: Date.now(), status: 0, what, detail: (err as Error).message });
      return { status: 0, body: null };
    }
  }

  /** One create as a careful client does it: the same Idempotency-Key until it is accepted. */
  async create(spec: TaskSpec): Promise<void> {
    for (;;) {
      if (this.stopLoad) {
        this.state.gaveUp.push(spec);
        return;
      }
      const r = await this.http(
        'POST',
        `/api/v1/tasks/create/${spec.type}`,
        'create',
        spec.payload,
        {
          'idempotency-key': spec.jobId,
        },
      );
      if (r.status === 200 && r.body?.assay_task_id) {
        this.state.accepted.set(spec.jobId, {
          spec,
          taskId: r.body.assay_task_id as string,
          acceptedAt: Date.now(),
        });
        return;
      }
      if (r.status !== 0 && r.status < 500 && r.status !== 409) {
        throw new Error(`create ${spec.jobId} answered ${r.status}: ${JSON.stringify(r.body)}`);
      }
      await sleep(500);
    }
  }

  callbackUrl(): string {
    return this.receiver.url('/cb');
  }

  buildSpecs(): TaskSpec[] {
    const o = this.opts;
    const between = ([a, b]: [number, number]) => a + Math.floor(this.rand() * (b - a + 1));
    const specs: TaskSpec[] = [];
    for (let idx = 0; idx < o.tasks; idx++) {
      const jobId = `chaos-${this.tag}-${idx}`;
      if (this.rand() < o.probeShare) {
        const steps = [
          { stage: 'lookup', provider: 'chaos_cached', domain: `${jobId}-lookup.chaos.example` },
          { stage: 'enrich', provider: 'chaos_nottl', domain: `${jobId}-enrich.chaos.example` },
        ];
        for (const s of steps) this.state.domains.set(s.domain, { jobId, stage: s.stage });
        specs.push({
          idx,
          kind: 'probe',
          jobId,
          type: 'provider_probe',
          payload: {
            steps,
            hold_in_stage_ms: between(o.holdMs),
            job_id: jobId,
            callback_url: this.callbackUrl(),
          },
        });
      } else {
        specs.push({
          idx,
          kind: 'diagnostic',
          jobId,
          type: 'diagnostic',
          payload: {
            stages: ['a', 'b', 'c'],
            sleep_ms: between(o.sleepMs),
            job_id: jobId,
            callback_url: this.callbackUrl(),
          },
        });
      }
    }
    return specs;
  }

  /** Creates the specs at `rate` per second (at most 64 requests in flight). */
  async runLoad(specs: TaskSpec[], rate: number): Promise<void> {
    const start = Date.now();
    this.state.loadStartedAt = start;
    const inflight = new Set<Promise<void>>();
    let next = 0;
    while (next < specs.length && !this.stopLoad) {
      const due = Math.min(specs.length, Math.floor(((Date.now() - start) / 1000) * rate) + 1);
      while (next < due && inflight.size < 64) {
        const p = this.create(specs[next++]).catch((err: Error) => {
          log(`load: ${err.message}`);
          this.state.gaveUp.push(specs[next - 1]);
        });
        inflight.add(p);
        void p.finally(() => inflight.delete(p));
      }
      await sleep(20);
    }
    for (const s of specs.slice(next)) this.state.gaveUp.push(s);
    await Promise.all(inflight);
    this.state.loadDoneAt = Date.now();
  }

  /** A client reading statuses meanwhile (4 per second), so its 5xx answers count too. */
  async pollStatuses(): Promise<void> {
    while (!this.stopLoad) {
      const ids = [...this.state.accepted.keys()];
      if (ids.length) {
        const id = ids[Math.floor(this.rand() * ids.length)];
        void this.http('GET', `/api/v1/tasks/${encodeURIComponent(id)}/status`, 'status');
      }
      await sleep(250);
    }
  }

  // ---- callbacks ----

  startReceiver(): Promise<WebhookReceiver> {
    const receiver = new WebhookReceiver();
    receiver.handle('/cb', (r, _nth, res) => {
      const status = this.callbacksDown ? 503 : 200;
      let signatureOk: boolean;
      try {
        this.verifier.verify(r.raw, r.headers as Record<string, string>);
        signatureOk = true;
      } catch {
        signatureOk = false;
      }
      const b = r.body as Record<string, any>;
      this.state.callbacks.push({
        at: Date.now(),
        webhookId: String(r.headers['webhook-id'] ?? ''),
        taskId: String(b.assay_task_id ?? ''),
        jobId: String(b.job_id ?? ''),
        event: String(b.event ?? ''),
        page: (b.pagination?.page as number | undefined) ?? null,
        status,
        signatureOk,
      });
      // Only what the receiver needs; the raw bodies are not kept (5,000+ callbacks).
      receiver.received.length = 0;
      res
        .writeHead(status, { 'content-type': 'application/json' })
        .end(status === 200 ? '{"status":"success"}' : '{"error":"unavailable"}');
    });
    return receiver.start();
  }

  // ---- faults ----

  private async killWorker(victim: AppProcess): Promise<number> {
    const at = Date.now();
    await victim.kill();
    // A failed start is logged and retried by the exit handler (see spawn).
    void this.spawn(this.slotOf(victim)).catch(() => undefined);
    return at;
  }

  private async readyWorkers(): Promise<AppProcess[]> {
    for (;;) {
      const ready = this.workers().filter((w) => w.running && w.readyAt > 0);
      if (ready.length) return ready;
      await sleep(100);
    }
  }

  /**
   * Kill, restart, and the next kill --kill-every seconds after the restarted worker serves: one
   * worker is down at a time, so a kill measures how fast the others take its tasks over (killing
   * faster than workers start would leave no worker at all), and the new one has work to lose.
   */
  async kills(): Promise<void> {
    const o = this.opts;
    for (let i = 1; i <= o.kills; i++) {
      await this.allStarted();
      if (i > 1) await sleep(o.killEvery * 1000);
      const ready = await this.readyWorkers();
      const victim = ready[Math.floor(this.rand() * ready.length)];
      const at = await this.killWorker(victim);
      this.state.faults.push({
        kind: 'kills',
        label: `kill ${i}/${o.kills} ${victim.name}`,
        start: at,
        end: at,
        victim: victim.name,
      });
      log(`kill ${i}/${o.kills}: SIGKILL ${victim.name} (pid ${victim.pid}); restarting it`);
    }
  }

  async redisOutage(): Promise<void> {
    const o = this.opts;
    const start = Date.now();
    log(`Redis: stopping (${o.redisWipe ? 'SHUTDOWN NOSAVE: its data is lost' : 'SHUTDOWN SAVE'})`);
    await this.redis.stop(!o.redisWipe);
    await sleep(Math.max(0, o.redisDown * 1000 - (Date.now() - start)));
    await this.redis.start();
    const end = Date.now();
    log(`Redis: back after ${fmt((end - start) / 1000, 1)} s`);
    this.state.faults.push({
      kind: 'redis',
      label: `Redis down ${fmt((end - start) / 1000, 1)} s${o.redisWipe ? ' (wiped)' : ''}`,
      start,
      end,
    });
  }

  async pgRestart(): Promise<void> {
    const start = Date.now();
    log('PostgreSQL: restarting (pg_ctl restart -m fast)');
    await this.pg.restart();
    await this.pg.ready();
    const end = Date.now();
    log(`PostgreSQL: back after ${fmt((end - start) / 1000, 1)} s`);
    this.state.faults.push({ kind: 'pg-restart', label: 'PostgreSQL restart', start, end });
  }

  async pgOutage(): Promise<void> {
    const o = this.opts;
    const start = Date.now();
    log(`PostgreSQL: stopping for ${o.pgDown} s (pg_ctl stop -m fast)`);
    await this.pg.stop();
    await sleep(Math.max(0, o.pgDown * 1000 - (Date.now() - start)));
    await this.pg.start();
    await this.pg.ready();
    const end = Date.now();
    log(`PostgreSQL: back after ${fmt((end - start) / 1000, 1)} s`);
    this.state.faults.push({
      kind: 'pg-stop',
      label: `PostgreSQL down ${fmt((end - start) / 1000, 1)} s`,
      start,
      end,
    });
  }

  async callbackOutage(): Promise<void> {
    const start = Date.now();
    log(`receiver: answering 503 for ${this.opts.callback503} s`);
    this.callbacksDown = true;
    await sleep(this.opts.callback503 * 1000);
    this.callbacksDown = false;
    const end = Date.now();
    log('receiver: answering 200 again');
    this.state.faults.push({
      kind: 'callbacks',
      label: `receiver 503 for ${fmt((end - start) / 1000, 0)} s`,
      start,
      end,
    });
  }

  /**
   * The window between a task's commit (final status + outbox row) and the enqueue of its
   * callback job: a burst of identical tasks (same sleep, one stage) is created in one batch, so
   * that dozens finish within milliseconds on each worker; the harness polls its trigger log
   * every few ms and SIGKILLs the worker that committed the first end, while it commits the rest.
   * Hits are counted at once: a delivery committed by the victim, still pending, with no job in
   * Redis. Bursts are repeated (--commit-crash-rounds) until one hits.
   */
  async commitCrash(): Promise<void> {
    const o = this.opts;
    for (let round = 1; round <= o.commitCrashRounds; round++) {
      await this.allStarted();
      const payloads = Array.from({ length: o.burst }, (_, j) => ({
        stages: ['x'],
        sleep_ms: 1500,
        job_id: `chaos-${this.tag}-burst${round}-${j}`,
        callback_url: this.callbackUrl(),
      }));
      let ids: string[] = [];
      for (let tries = 0; !ids.length; tries++) {
        const r = await this.http('POST', '/api/v1/tasks/batch', 'batch', {
          task_name: 'diagnostic',
          payloads,
        });
        if (r.status === 202) ids = r.body.job_ids as string[];
        else if (tries > 20)
          throw new Error(`batch answered ${r.status}: ${JSON.stringify(r.body)}`);
        else await sleep(500);
      }
      const now = Date.now();
      payloads.forEach((p, j) =>
        this.state.accepted.set(p.job_id, {
          spec: { idx: -1, kind: 'burst', jobId: p.job_id, type: 'diagnostic', payload: p },
          taskId: ids[j],
          acceptedAt: now,
        }),
      );
      // Kill a worker once it has committed `threshold` ends of the burst: it is then in the
      // middle of committing the rest, each followed by its callback's enqueue.
      const threshold = Math.max(2, Math.floor(o.burst / o.workers / 4));
      let app: string | undefined;
      const until = Date.now() + 60_000;
      while (!app && Date.now() < until) {
        const r = await this.state.db
          .query<{ app: string }>(
            `SELECT app FROM chaos_task_events WHERE task_id = ANY($1::uuid[])
                AND status IN ('succeeded','failed','cancelled')
              GROUP BY app HAVING count(*) >= $2 LIMIT 1`,
            [ids, threshold],
          )
          .catch(() => ({ rows: [] as { app: string }[] }));
        app = r.rows[0]?.app;
        if (!app) await sleep(2);
      }
      const victim = this.workers().find((w) => w.name === app && w.running);
      if (!victim) {
        log(
          `commit/send crash ${round}: no burst task finished on a live worker (${app ?? 'none'})`,
        );
        continue;
      }
      const at = await this.killWorker(victim);
      await sleep(300);
      const hits = await this.committedWithoutJob(ids, victim.name);
      const done = await this.state.db.query<{ n: number }>(
        `SELECT count(DISTINCT task_id)::int AS n FROM chaos_task_events
          WHERE task_id = ANY($1::uuid[]) AND app = $2 AND status IN ('succeeded','failed','cancelled')`,
        [ids, victim.name],
      );
      const note = `${done.rows[0].n} burst task(s) ended on ${victim.name}; ${hits.length} of their callbacks committed without a queued job`;
      log(
        `commit/send crash ${round}: SIGKILL ${victim.name} as its burst tasks finished: ${note}`,
      );
      this.state.faults.push({
        kind: 'commit-crash',
        label: `commit/send crash ${round} ${victim.name}`,
        start: at,
        end: at,
        victim: victim.name,
        hits,
        note,
      });
      if (hits.length) return;
      if (round < o.commitCrashRounds) await sleep(3000);
    }
  }

  private async committedWithoutJob(ids: string[], app: string): Promise<string[]> {
    const { rows } = await this.state.db.query<{ id: string }>(
      `SELECT d.id FROM callback_deliveries d
        WHERE d.task_id = ANY($1::uuid[]) AND d.status = 'pending' AND d.attempts = 0
          AND EXISTS (SELECT 1 FROM chaos_task_events e WHERE e.task_id = d.task_id AND e.app = $2
                         AND e.status IN ('succeeded','failed','cancelled'))`,
      [ids, app],
    );
    if (!rows.length) return [];
    const redis = new Redis(this.redis.url, { maxRetriesPerRequest: 1 });
    redis.on('error', () => undefined);
    try {
      const exists = await Promise.all(
        rows.map((r) => redis.exists(`${PREFIX}:callbacks:${r.id}`)),
      );
      return rows.filter((_, i) => exists[i] === 0).map((r) => r.id);
    } finally {
      redis.disconnect();
    }
  }

  // ---- drain ----

  /** Waits until every task is final and every final task's callback arrived (or the deadline). */
  async drain(): Promise<void> {
    const deadline = Date.now() + this.opts.drain * 1000;
    let lastLog = 0;
    for (;;) {
      const status = await this.progress().catch(() => null);
      if (status && status.open === 0 && status.callbacksOutstanding === 0) {
        this.state.settled = true;
        log(`settled: every task is final and every final callback was delivered`);
        break;
      }
      if (Date.now() > deadline) {
        log(`drain deadline (${this.opts.drain} s) reached without settling`);
        break;
      }
      if (status && Date.now() - lastLog > 10_000) {
        lastLog = Date.now();
        log(
          `draining: ${status.open} task(s) not final (${status.queued} queued, ${status.running} running), ` +
            `${status.callbacksOutstanding} final callback(s) not delivered yet`,
        );
      }
      await sleep(1000);
    }
    this.state.drainEndedAt = Date.now();
  }

  async progress(): Promise<{
    total: number;
    open: number;
    queued: number;
    running: number;
    final: number;
    callbacksOutstanding: number;
  }> {
    const { rows } = await this.state.db.query<{ id: string; status: string }>(
      'SELECT id, status FROM tasks',
    );
    const delivered = new Set(
      this.state.callbacks
        .filter((c) => c.status >= 200 && c.status < 300)
        .map((c) => `${c.taskId}|${c.event}`),
    );
    let queued = 0;
    let running = 0;
    let outstanding = 0;
    for (const r of rows) {
      if (r.status === 'queued') queued++;
      else if (r.status === 'running') running++;
      else if (!delivered.has(`${r.id}|task.${r.status}`)) outstanding++;
    }
    return {
      total: rows.length,
      open: queued + running,
      queued,
      running,
      final: rows.length - queued - running,
      callbacksOutstanding: outstanding,
    };
  }

  // ---- main ----

  async run(): Promise<number> {
    const o = this.opts;
    const pgBin = findPgBin(o.pgBin);
    this.dir = runDirectory(pgBin, log);
    log(`run directory ${this.dir} (PostgreSQL ${pgBin})`);
    this.pg = new PgCluster(pgBin, this.dir);
    this.redis = new RedisServer(this.dir);
    const stub = await VendorStub.start(
      (req) => ({ ...(lookupVendor(req) as Reply), delayMs: o.vendorLatencyMs }) as Reply,
    );
    this.state = {
      opts: o,
      startedAt: Date.now(),
      loadStartedAt: 0,
      loadDoneAt: 0,
      drainEndedAt: 0,
      settled: false,
      specs: [],
      accepted: new Map(),
      gaveUp: [],
      faults: [],
      callbacks: [],
      http: { requests: 0, byStatus: new Map(), fiveXX: [], network: [] },
      exits: [],
      startupFailures: [],
      domains: new Map(),
      pids: new Map(),
      stub,
      db: undefined as unknown as Pool,
      prefix: PREFIX,
    };
    this.receiver = await this.startReceiver();
    await this.pg.init();
    await this.redis.start();
    log(`PostgreSQL on 127.0.0.1:${this.pg.port}, Redis on 127.0.0.1:${this.redis.port}`);
    printSettings(this.env('w1', 'w1.0'));

    log('starting the API (it creates the database and applies the migrations)');
    await this.spawn('api');
    const db = new Pool({
      connectionString: this.pg.url(DB_NAME),
      max: 4,
      application_name: 'chaos-harness',
      connectionTimeoutMillis: 2000,
    });
    db.on('error', () => undefined);
    this.state.db = db;
    await db.query(INSTRUMENTATION);
    log(`starting ${o.workers} worker processes`);
    await Promise.all(Array.from({ length: o.workers }, (_, i) => this.spawn(`w${i + 1}`)));
    this.booted = true;
    log(
      `workers serve (started in ${this.bootMs
        .slice(1)
        .map((b) => fmt(b / 1000, 1))
        .join(', ')} s)`,
    );

    this.state.specs = this.buildSpecs();
    const has = (f: FaultKind) => o.faults.includes(f);
    // A kill waits for the previous victim's restart: plan with the workers' start-up time.
    const workerBoot = this.bootMs.slice(1);
    const boot = workerBoot.reduce((a, b) => a + b, 0) / workerBoot.length / 1000;
    const planned =
      o.warmup +
      (has('kills') && o.kills ? o.kills * (o.killEvery + boot) + o.gap : 0) +
      (has('redis') ? o.redisDown + o.gap : 0) +
      (has('pg-restart') ? 2 + o.gap : 0) +
      (has('pg-stop') ? o.pgDown + 1 + o.gap : 0) +
      (has('callbacks') ? o.callback503 + o.gap : 0) +
      (has('commit-crash') ? 5 : 0);
    const rate = o.tasks / Math.max(1, planned);
    const probes = this.state.specs.filter((s) => s.kind === 'probe').length;
    log(
      `load: ${fmt(o.tasks)} tasks (${fmt(o.tasks - probes)} diagnostic, ${fmt(probes)} provider_probe) ` +
        `at ${fmt(rate, 1)}/s over ~${fmt(planned)} s while the faults run`,
    );
    const load = this.runLoad(this.state.specs, rate);
    const poller = this.pollStatuses();
    const reporter = this.reportProgress();

    await sleep(o.warmup * 1000);
    const steps: Array<[FaultKind, () => Promise<void>]> = [
      ['kills', () => this.kills()],
      ['redis', () => this.redisOutage()],
      ['pg-restart', () => this.pgRestart()],
      ['pg-stop', () => this.pgOutage()],
      ['callbacks', () => this.callbackOutage()],
      ['commit-crash', () => this.commitCrash()],
    ];
    const chosen = steps.filter(([k]) => has(k) && (k !== 'kills' || o.kills > 0));
    for (const [i, [, step]] of chosen.entries()) {
      // A worker restarted after a kill must be up before the next fault (else its start-up
      // would meet the next outage and the faults would overlap).
      await this.allStarted();
      await step();
      if (i < chosen.length - 1) await sleep(o.gap * 1000);
    }
    log('faults done; waiting for the load to be created');
    await load;
    log(`load done: ${fmt(this.state.accepted.size)} tasks accepted`);
    await this.drain();
    this.stopLoad = true;
    await poller;
    await reporter;

    // Freeze: nothing may change while the results are read.
    this.stopping = true;
    await Promise.all([...this.slots.values()].map((p) => p.kill()));
    const report = await analyse(this.state);
    return printReport(this.state, report);
  }

  private async reportProgress(): Promise<void> {
    let last = Date.now();
    while (!this.stopLoad) {
      await sleep(500);
      if (Date.now() - last < 15_000 || this.stopLoad) continue;
      last = Date.now();
      const p = await this.progress().catch(() => null);
      if (!p) continue;
      const delivered = this.state.callbacks.filter((c) => c.status === 200).length;
      log(
        `progress: ${fmt(this.state.accepted.size)} accepted, ${fmt(p.final)} final, ${p.running} running, ` +
          `${p.queued} queued; ${fmt(delivered)} callbacks delivered; ${fmt(this.state.stub.requests.length)} vendor calls; ` +
          `${this.state.http.fiveXX.length} client 5xx`,
      );
    }
  }

  /** Stops and removes everything this run started (also after a failure or Ctrl-C). */
  async cleanup(): Promise<void> {
    this.stopping = true;
    this.stopLoad = true;
    await Promise.all([...this.slots.values()].map((p) => p.kill().catch(() => undefined)));
    await this.state?.db?.end().catch(() => undefined);
    await this.redis?.destroy().catch(() => undefined);
    try {
      this.pg?.destroy();
    } catch {
      /* already stopped */
    }
    await this.state?.stub.close().catch(() => undefined);
    await this.receiver?.close().catch(() => undefined);
    if (this.dir) {
      if (this.opts.keep) log(`kept ${this.dir} (logs in ${join(this.dir, 'logs')})`);
      else rmSync(this.dir, { recursive: true, force: true });
    }
  }
}

/** The engine settings in effect (the app's defaults unless --app-env changed them). */
function printSettings(env: Record<string, string>): void {
  const keys = [
    'QUEUE_LOCK_DURATION_MS',
    'QUEUE_STALLED_INTERVAL_MS',
    'QUEUE_MAX_STALLED_COUNT',
    'TASK_LEASE_MS',
    'SWEEP_REQUEUE_INTERVAL_MS',
    'SWEEP_ORPHAN_AFTER_MS',
    'SWEEP_STUCK_INTERVAL_MS',
    'SWEEP_CALLBACKS_INTERVAL_MS',
    'CALLBACK_RETRY_SCHEDULE',
  ];
  try {
    const c = loadConfig({ ...env, PORT: '1' }) as unknown as Record<string, unknown>;
    const parts = keys.filter((k) => c[k] !== undefined).map((k) => `${k}=${String(c[k])}`);
    log(`app settings: ${parts.join(' ')}`);
  } catch (err) {
    log(`app settings could not be read: ${(err as Error).message}`);
  }
}

async function main(): Promise<number> {
  let opts: ChaosOptions | 'help';
  try {
    opts = parseOptions(process.argv.slice(2));
  } catch (err) {
    console.error(`${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (opts === 'help') {
    console.log(USAGE);
    return 0;
  }
  const cpus = os.cpus();
  console.log(
    `chaos run: seed ${opts.seed}; machine ${cpus.length} × ${cpus[0]?.model ?? 'cpu'}, ` +
      `${fmt(os.totalmem() / 2 ** 30, 1)} GiB, node ${process.version}, load average ${os
        .loadavg()
        .map((l) => fmt(l, 2))
        .join(' ')}`,
  );
  const run = new ChaosRun(opts);
  let cleaning: Promise<void> | undefined;
  const cleanup = () => (cleaning ??= run.cleanup());
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(sig, () => {
      log(`${sig}: stopping and removing everything`);
      void cleanup().finally(() => process.exit(130));
    });
  }
  try {
    return await run.run();
  } catch (err) {
    console.error(`chaos run failed: ${err instanceof Error ? (err.stack ?? err.message) : err}`);
    return 2;
  } finally {
    await cleanup();
  }
}

void main().then((code) => {
  console.log(
    `chaos run ${code === 0 ? 'PASSED' : code === 1 ? 'FAILED' : 'ERROR'} in ${fmt((Date.now() - t0) / 1000)} s`,
  );
  process.exit(code);
});
