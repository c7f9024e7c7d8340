/**
 * The app's processes in a chaos run: 1 API and N workers in slots (api, w1, w2…), each slot's
 * process named by its generation (`w2.3`: slot w2, third restart). A process that dies unasked
 * is reported and started again, like an orchestrator would.
 */
import { stubEnv } from '../../test/providers/support/stub.provider';
import { fmt, sleep } from '../support/common';
import { API_KEY, CHILD, DB_NAME, log, PREFIX, SECRET, type RunContext } from './harness';
import { AppProcess } from './infra/app-process';
import { CHAOS_PROVIDERS } from './shared';

export class Fleet {
  /** Start-up times of the app processes (ms), for the plan of the kill phase. */
  readonly bootMs: number[] = [];
  /** Set once the first processes serve: from then on a process that dies is started again. */
  booted = false;
  /** Set at the end: exits are expected, nothing is started again. */
  stopping = false;
  private readonly slots = new Map<string, AppProcess>();
  private readonly gens = new Map<string, number>();

  constructor(private readonly ctx: RunContext) {}

  /** The environment of the process `name` in `slot`. */
  env(slot: string, name: string): Record<string, string> {
    const o = this.ctx.opts;
    const providers = Object.assign(
      {},
      ...CHAOS_PROVIDERS.map((p) => stubEnv(this.ctx.state.stub.url, p.id)),
    ) as Record<string, string>;
    return {
      PATH: process.env.PATH ?? '',
      // Only for a build outside the repository (module resolution); unset normally.
      ...(process.env.NODE_PATH ? { NODE_PATH: process.env.NODE_PATH } : {}),
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: '0',
      ASSAY_ROLE: slot === 'api' ? 'api' : 'worker',
      DATABASE_URL: this.ctx.pg.url(DB_NAME),
      DATABASE_MIGRATIONS_RUN: slot === 'api' ? 'true' : 'false',
      REDIS_URL: this.ctx.redis.url,
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
    const p = new AppProcess(name, CHILD, this.env(slot, name), this.ctx.dir);
    this.slots.set(slot, p);
    this.ctx.state.pids.set(p.pid, name);
    void p.exited.then(async () => {
      if (p.expectedExit || this.stopping || !this.booted) return;
      const exit = p.exit?.signal ?? `code ${p.exit?.code}`;
      const entry = { name, at: Date.now(), exit, tail: p.output().slice(-1500) };
      if (p.readyAt) {
        this.ctx.state.exits.push(entry);
        log(`UNEXPECTED: ${name} exited (${exit}); starting it again`);
      } else {
        // Start-up stops when PostgreSQL or Redis cannot be reached (by design); an orchestrator
        // would start it again, and so does the harness, a second later.
        this.ctx.state.startupFailures.push(entry);
        log(
          `${name} could not start (${exit}: ${p.output().split('\n')[0].slice(0, 160)}); starting it again in 1 s`,
        );
        await sleep(1000);
        if (this.stopping || this.ctx.state.startupFailures.length > 50) return;
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

  /** SIGKILLs a worker and starts its slot again; resolves with the time of the kill. */
  async killWorker(victim: AppProcess): Promise<number> {
    const at = Date.now();
    await victim.kill();
    // A failed start is logged and retried by the exit handler (see spawn).
    void this.spawn(this.slotOf(victim)).catch(() => undefined);
    return at;
  }

  /** The workers that serve (waits until there is one). */
  async readyWorkers(): Promise<AppProcess[]> {
    for (;;) {
      const ready = this.workers().filter((w) => w.running && w.readyAt > 0);
      if (ready.length) return ready;
      await sleep(100);
    }
  }

  /** SIGKILLs every process (the end of the run, or clean-up). */
  async killAll(): Promise<void> {
    await Promise.all([...this.slots.values()].map((p) => p.kill().catch(() => undefined)));
  }
}
