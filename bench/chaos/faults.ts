/**
 * The faults of a chaos run, one after the other: worker SIGKILLs (each worker restarted), Redis
 * stopped then started, PostgreSQL restarted, then stopped and started, the receiver answering
 * 503, and a worker SIGKILLed right as a burst of tasks finishes. Each is recorded in the run
 * state with its start and end (the recovery times are counted from its end).
 */
import Redis from 'ioredis';
import { fmt, sleep } from '../support/common';
import type { Fleet } from './fleet';
import { log, PREFIX, type RunContext } from './harness';
import type { Workload } from './load';
import type { FaultKind } from './options';
import type { CallbackReceiver } from './receiver';

export class Faults {
  constructor(
    private readonly ctx: RunContext,
    private readonly fleet: Fleet,
    private readonly load: Workload,
    private readonly receiver: CallbackReceiver,
  ) {}

  /** The faults --faults chose, in their order (kills only with --kills > 0). */
  chosen(): Array<() => Promise<void>> {
    const o = this.ctx.opts;
    const steps: Array<[FaultKind, () => Promise<void>]> = [
      ['kills', () => this.kills()],
      ['redis', () => this.redisOutage()],
      ['pg-restart', () => this.pgRestart()],
      ['pg-stop', () => this.pgOutage()],
      ['callbacks', () => this.callbackOutage()],
      ['commit-crash', () => this.commitCrash()],
    ];
    return steps
      .filter(([k]) => o.faults.includes(k) && (k !== 'kills' || o.kills > 0))
      .map(([, step]) => step);
  }

  /**
   * Kill, restart, and the next kill --kill-every seconds after the restarted worker serves: one
   * worker is down at a time, so a kill measures how fast the others take its tasks over (killing
   * faster than workers start would leave no worker at all), and the new one has work to lose.
   */
  async kills(): Promise<void> {
    const o = this.ctx.opts;
    for (let i = 1; i <= o.kills; i++) {
      await this.fleet.allStarted();
      if (i > 1) await sleep(o.killEvery * 1000);
      const ready = await this.fleet.readyWorkers();
      const victim = ready[Math.floor(this.ctx.rand() * ready.length)];
      const at = await this.fleet.killWorker(victim);
      this.ctx.state.faults.push({
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
    const o = this.ctx.opts;
    const start = Date.now();
    log(`Redis: stopping (${o.redisWipe ? 'SHUTDOWN NOSAVE: its data is lost' : 'SHUTDOWN SAVE'})`);
    await this.ctx.redis.stop(!o.redisWipe);
    await sleep(Math.max(0, o.redisDown * 1000 - (Date.now() - start)));
    await this.ctx.redis.start();
    const end = Date.now();
    log(`Redis: back after ${fmt((end - start) / 1000, 1)} s`);
    this.ctx.state.faults.push({
      kind: 'redis',
      label: `Redis down ${fmt((end - start) / 1000, 1)} s${o.redisWipe ? ' (wiped)' : ''}`,
      start,
      end,
    });
  }

  async pgRestart(): Promise<void> {
    const start = Date.now();
    log('PostgreSQL: restarting (pg_ctl restart -m fast)');
    await this.ctx.pg.restart();
    await this.ctx.pg.ready();
    const end = Date.now();
    log(`PostgreSQL: back after ${fmt((end - start) / 1000, 1)} s`);
    this.ctx.state.faults.push({ kind: 'pg-restart', label: 'PostgreSQL restart', start, end });
  }

  async pgOutage(): Promise<void> {
    const o = this.ctx.opts;
    const start = Date.now();
    log(`PostgreSQL: stopping for ${o.pgDown} s (pg_ctl stop -m fast)`);
    await this.ctx.pg.stop();
    await sleep(Math.max(0, o.pgDown * 1000 - (Date.now() - start)));
    await this.ctx.pg.start();
    await this.ctx.pg.ready();
    const end = Date.now();
    log(`PostgreSQL: back after ${fmt((end - start) / 1000, 1)} s`);
    this.ctx.state.faults.push({
      kind: 'pg-stop',
      label: `PostgreSQL down ${fmt((end - start) / 1000, 1)} s`,
      start,
      end,
    });
  }

  async callbackOutage(): Promise<void> {
    const start = Date.now();
    log(`receiver: answering 503 for ${this.ctx.opts.callback503} s`);
    this.receiver.down = true;
    await sleep(this.ctx.opts.callback503 * 1000);
    this.receiver.down = false;
    const end = Date.now();
    log('receiver: answering 200 again');
    this.ctx.state.faults.push({
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
    const o = this.ctx.opts;
    for (let round = 1; round <= o.commitCrashRounds; round++) {
      await this.fleet.allStarted();
      const payloads = Array.from({ length: o.burst }, (_, j) => ({
        stages: ['x'],
        sleep_ms: 1500,
        job_id: `chaos-${this.ctx.tag}-burst${round}-${j}`,
        callback_url: this.load.callbackUrl(),
      }));
      let ids: string[] = [];
      for (let tries = 0; !ids.length; tries++) {
        const r = await this.load.http('POST', '/api/v1/tasks/batch', 'batch', {
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
        this.ctx.state.accepted.set(p.job_id, {
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
        const r = await this.ctx.state.db
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
      const victim = this.fleet.workers().find((w) => w.name === app && w.running);
      if (!victim) {
        log(
          `commit/send crash ${round}: no burst task finished on a live worker (${app ?? 'none'})`,
        );
        continue;
      }
      const at = await this.fleet.killWorker(victim);
      await sleep(300);
      const hits = await this.committedWithoutJob(ids, victim.name);
      const done = await this.ctx.state.db.query<{ n: number }>(
        `SELECT count(DISTINCT task_id)::int AS n FROM chaos_task_events
          WHERE task_id = ANY($1::uuid[]) AND app = $2 AND status IN ('succeeded','failed','cancelled')`,
        [ids, victim.name],
      );
      const note = `${done.rows[0].n} burst task(s) ended on ${victim.name}; ${hits.length} of their callbacks committed without a queued job`;
      log(
        `commit/send crash ${round}: SIGKILL ${victim.name} as its burst tasks finished: ${note}`,
      );
      this.ctx.state.faults.push({
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
    const { rows } = await this.ctx.state.db.query<{ id: string }>(
      `SELECT d.id FROM callback_deliveries d
        WHERE d.task_id = ANY($1::uuid[]) AND d.status = 'pending' AND d.attempts = 0
          AND EXISTS (SELECT 1 FROM chaos_task_events e WHERE e.task_id = d.task_id AND e.app = $2
                         AND e.status IN ('succeeded','failed','cancelled'))`,
      [ids, app],
    );
    if (!rows.length) return [];
    const redis = new Redis(this.ctx.redis.url, { maxRetriesPerRequest: 1 });
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
}
