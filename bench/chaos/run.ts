/**
 * One chaos run from start to verdict: its servers, the app's processes, the load while the
 * faults run one after the other, the drain, then the checks and the report.
 */
import { rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Pool } from 'pg';
import { loadConfig } from '../../src/common/config/app.config';
import { lookupVendor, Reply, VendorStub } from '../../test/support/vendor-stub';
import { fmt, sleep } from '../support/common';
import { analyse } from './analysis/analyse';
import { printReport } from './analysis/report';
import { drain, reportProgress } from './drain';
import { Faults } from './faults';
import { Fleet } from './fleet';
import { DB_NAME, log } from './harness';
import { findPgBin, PgCluster } from './infra/postgres';
import { RedisServer } from './infra/redis';
import { runDirectory } from './infra/run-directory';
import { INSTRUMENTATION } from './instrumentation';
import { Workload } from './load';
import { ChaosOptions, FaultKind, rng } from './options';
import { CallbackReceiver } from './receiver';
import { newRunState, RunState } from './state';

export class ChaosRun {
  // Set as the run starts them; clean-up stops whichever exist.
  private dir = '';
  private pg?: PgCluster;
  private redis?: RedisServer;
  private stub?: VendorStub;
  private state?: RunState;
  private receiver?: CallbackReceiver;
  private fleet?: Fleet;
  private load?: Workload;

  constructor(readonly opts: ChaosOptions) {}

  async run(): Promise<number> {
    const o = this.opts;
    const pgBin = findPgBin(o.pgBin);
    const dir = (this.dir = runDirectory(pgBin, log));
    log(`run directory ${dir} (PostgreSQL ${pgBin})`);
    const pg = (this.pg = new PgCluster(pgBin, dir));
    const redis = (this.redis = new RedisServer(dir));
    const stub = (this.stub = await VendorStub.start(
      (req) => ({ ...(lookupVendor(req) as Reply), delayMs: o.vendorLatencyMs }) as Reply,
    ));
    const state = (this.state = newRunState(o, stub));
    const ctx = {
      opts: o,
      rand: rng(o.seed),
      tag: randomBytes(3).toString('hex'),
      dir,
      pg,
      redis,
      state,
    };
    const fleet = (this.fleet = new Fleet(ctx));
    const receiver = (this.receiver = await new CallbackReceiver(state).start());
    const load = (this.load = new Workload(ctx, fleet, receiver));
    const faults = new Faults(ctx, fleet, load, receiver);
    await pg.init();
    await redis.start();
    log(`PostgreSQL on 127.0.0.1:${pg.port}, Redis on 127.0.0.1:${redis.port}`);
    printSettings(fleet.env('w1', 'w1.0'));

    log('starting the API (it creates the database and applies the migrations)');
    await fleet.spawn('api');
    const db = new Pool({
      connectionString: pg.url(DB_NAME),
      max: 4,
      application_name: 'chaos-harness',
      connectionTimeoutMillis: 2000,
    });
    db.on('error', () => undefined);
    state.db = db;
    await db.query(INSTRUMENTATION);
    log(`starting ${o.workers} worker processes`);
    await Promise.all(Array.from({ length: o.workers }, (_, i) => fleet.spawn(`w${i + 1}`)));
    fleet.booted = true;
    log(
      `workers serve (started in ${fleet.bootMs
        .slice(1)
        .map((b) => fmt(b / 1000, 1))
        .join(', ')} s)`,
    );

    state.specs = load.buildSpecs();
    const has = (f: FaultKind) => o.faults.includes(f);
    // A kill waits for the previous victim's restart: plan with the workers' start-up time.
    const workerBoot = fleet.bootMs.slice(1);
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
    const probes = state.specs.filter((s) => s.kind === 'probe').length;
    log(
      `load: ${fmt(o.tasks)} tasks (${fmt(o.tasks - probes)} diagnostic, ${fmt(probes)} provider_probe) ` +
        `at ${fmt(rate, 1)}/s over ~${fmt(planned)} s while the faults run`,
    );
    const loading = load.runLoad(state.specs, rate);
    const poller = load.pollStatuses();
    const reporter = reportProgress(state, () => load.stopLoad);

    await sleep(o.warmup * 1000);
    const chosen = faults.chosen();
    for (const [i, step] of chosen.entries()) {
      // A worker restarted after a kill must be up before the next fault (else its start-up
      // would meet the next outage and the faults would overlap).
      await fleet.allStarted();
      await step();
      if (i < chosen.length - 1) await sleep(o.gap * 1000);
    }
    log('faults done; waiting for the load to be created');
    await loading;
    log(`load done: ${fmt(state.accepted.size)} tasks accepted`);
    await drain(state);
    load.stopLoad = true;
    await poller;
    await reporter;

    // Freeze: nothing may change while the results are read.
    fleet.stopping = true;
    await fleet.killAll();
    const report = await analyse(state);
    return printReport(state, report);
  }

  /** Stops and removes everything this run started (also after a failure or Ctrl-C). */
  async cleanup(): Promise<void> {
    if (this.fleet) this.fleet.stopping = true;
    if (this.load) this.load.stopLoad = true;
    await this.fleet?.killAll();
    await this.state?.db?.end().catch(() => undefined);
    await this.redis?.destroy().catch(() => undefined);
    try {
      this.pg?.destroy();
    } catch {
      /* already stopped */
    }
    await this.stub?.close().catch(() => undefined);
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
