import { getQueueToken } from '@nestjs/bullmq';
import { SchedulerRegistry } from '@nestjs/schedule';
import { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { MAINTENANCE_QUEUE, SweepsScheduler } from '../../src/modules/sweeps/sweeps.scheduler';
import { SweepName, SweepsService } from '../../src/modules/sweeps/sweeps.service';
import { TaskQueues } from '../../src/modules/tasks/engine/task-queues';
import { ADMIN_DATABASE_URL, databaseUrl } from '../support/env';
import { authHeaders, startTestApp, TestApp, waitFor } from '../support/test-app';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const DAY = 24 * 60 * MINUTE;
const LOCK_MS = 30 * SECOND;

interface Seed {
  type?: string;
  status: 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
  attempts?: number;
  maxAttempts?: number;
  timeoutMs?: number;
  input?: object;
  error?: { code: string; message: string; retryable: boolean } | null;
  /** How long ago the row was created / last updated / finished (ms); null = not set. */
  createdAgo?: number;
  updatedAgo?: number;
  finishedAgo?: number | null;
  /** When the next attempt is due, relative to now (ms); null = not set. */
  nextAttemptIn?: number | null;
}

interface Row {
  id: string;
  status: string;
  attempts: number;
  error: { code: string; message: string; retryable: boolean } | null;
  updated_at: Date;
  finished_at: Date | null;
  next_attempt_at: Date | null;
}

/**
 * The sweeps, driven by hand (SWEEPS_ENABLED=false: no timers). This suite has a database of its
 * own: the sweeps act on every row of the table, and other suites' rows must not leak in or out.
 */
describe('sweeps (real Postgres + Redis)', () => {
  const dbName = `${process.env.ASSAY_TEST_DATABASE ?? 'assay_test'}_sweeps`;
  let t: TestApp;
  let ds: DataSource;
  let sweeps: SweepsService;
  const http = () => request(t.app.getHttpServer());

  beforeAll(async () => {
    t = await startTestApp({
      DATABASE_URL: databaseUrl(dbName),
      SWEEPS_ENABLED: 'false',
      SWEEP_ORPHAN_AFTER_MS: '2000',
      TASK_RETENTION_DAYS: '30',
      QUEUE_LOCK_DURATION_MS: String(LOCK_MS),
    });
    ds = t.app.get(DataSource);
    sweeps = t.app.get(SweepsService);
  });
  afterAll(async () => {
    await t?.close();
    const admin = new Client({ connectionString: ADMIN_DATABASE_URL });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
    await admin.end();
  });

  async function seed(s: Seed): Promise<string> {
    const id = randomUUID();
    const ago = (ms: number | null | undefined) => (ms == null ? null : ms / 1000);
    await ds.query(
      `INSERT INTO tasks (id, type, status, attempts, max_attempts, timeout_ms, input, error, trace_id,
                          created_at, updated_at, started_at, finished_at, next_attempt_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'sweeps-test',
               now() - make_interval(secs => $9::float8),
               now() - make_interval(secs => $10::float8),
               CASE WHEN $4::int > 0 THEN now() - make_interval(secs => $10::float8) END,
               now() - make_interval(secs => $11::float8),
               now() + make_interval(secs => $12::float8))`,
      [
        id,
        s.type ?? 'diagnostic',
        s.status,
        s.attempts ?? 0,
        s.maxAttempts ?? 5,
        s.timeoutMs ?? 15 * MINUTE,
        JSON.stringify(s.input ?? { sleep_ms: 1 }),
        s.error ? JSON.stringify(s.error) : null,
        ago(s.createdAgo ?? s.updatedAgo ?? 0),
        ago(s.updatedAgo ?? 0),
        ago(s.finishedAgo),
        ago(s.nextAttemptIn),
      ],
    );
    return id;
  }

  async function row(id: string): Promise<Row | undefined> {
    const rows: Row[] = await ds.query(
      `SELECT id, status, attempts, error, updated_at, finished_at, next_attempt_at
         FROM tasks WHERE id = $1`,
      [id],
    );
    return rows[0];
  }

  const untilStatus = (id: string, status: string) =>
    waitFor(async () => {
      const r = await row(id);
      return r?.status === status ? r : null;
    }, `task ${id} to be ${status}`);

  const retryable = { code: 'STALLED', message: 'worker lost', retryable: true };
  const permanent = { code: 'AUTH', message: 'bad credentials', retryable: false };

  const job = (id: string) => t.app.get(TaskQueues).queueFor('diagnostic').getJob(id);

  async function sweepMetric(name: string, sweep: SweepName, extra = ''): Promise<number> {
    const text = (await http().get('/metrics').expect(200)).text;
    const line = text
      .split('\n')
      .find((l) => l.startsWith(`${name}{`) && l.includes(`sweep="${sweep}"`) && l.includes(extra));
    return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
  }

  describe('requeue', () => {
    it('puts a failed task with a retryable error and attempts left back to work', async () => {
      const id = await seed({
        status: 'failed',
        attempts: 1,
        maxAttempts: 5,
        error: retryable,
        updatedAgo: MINUTE,
        finishedAgo: MINUTE,
      });
      expect(await sweeps.run('requeue')).toBe(1);
      const done = await untilStatus(id, 'succeeded');
      expect(done.attempts).toBe(2);
      const view = await http().get(`/api/v1/tasks/${id}`).set(authHeaders).expect(200);
      expect(view.body).toMatchObject({ status: 'succeeded', attempt_number: 2, error: null });
      expect(view.body.result).toMatchObject({ ok: true, attempt: 2 });
    });

    it('runs it again even when its finished BullMQ job is still in Redis', async () => {
      const created = await http()
        .post('/api/v1/tasks/create/diagnostic')
        .set(authHeaders)
        .send({ sleep_ms: 1 })
        .expect(200);
      const id: string = created.body.job_id;
      await untilStatus(id, 'succeeded');
      expect(await (await job(id))?.getState()).toBe('completed');
      // As if its worker had been lost after the first attempt.
      await ds.query(
        `UPDATE tasks SET status = 'failed', error = $2, result = NULL, updated_at = now()
          WHERE id = $1`,
        [id, JSON.stringify(retryable)],
      );
      expect(await sweeps.run('requeue')).toBe(1);
      const done = await untilStatus(id, 'succeeded');
      expect(done.attempts).toBe(2);
    });

    it('leaves alone failures that must not run again, or not yet', async () => {
      const notRetryable = await seed({
        status: 'failed',
        attempts: 1,
        error: permanent,
        updatedAgo: MINUTE,
        finishedAgo: MINUTE,
      });
      const noAttemptsLeft = await seed({
        status: 'failed',
        attempts: 5,
        maxAttempts: 5,
        error: retryable,
        updatedAgo: MINUTE,
        finishedAgo: MINUTE,
      });
      const backoffPending = await seed({
        status: 'failed',
        attempts: 1,
        error: retryable,
        updatedAgo: MINUTE,
        finishedAgo: MINUTE,
        nextAttemptIn: 10 * MINUTE,
      });
      const before = await Promise.all([notRetryable, noAttemptsLeft, backoffPending].map(row));

      expect(await sweeps.run('requeue')).toBe(0);

      const after = await Promise.all([notRetryable, noAttemptsLeft, backoffPending].map(row));
      expect(after).toEqual(before);
      for (const id of [notRetryable, noAttemptsLeft, backoffPending]) {
        expect(await job(id)).toBeUndefined();
      }
    });

    it('enqueues a queued task whose job is missing from Redis, once it is old enough', async () => {
      const orphan = await seed({ status: 'queued', updatedAgo: 10 * MINUTE });
      const fresh = await seed({ status: 'queued' });
      await sweeps.run('requeue');
      expect(await untilStatus(orphan, 'succeeded')).toMatchObject({ attempts: 1 });
      // Younger than SWEEP_ORPHAN_AFTER_MS: its job may simply not be written yet.
      expect(await job(fresh)).toBeUndefined();
      expect((await row(fresh))?.status).toBe('queued');
      // Once it is older, a later run picks it up.
      await waitFor(async () => {
        await sweeps.run('requeue');
        return (await job(fresh)) !== undefined;
      }, 'the requeue sweep to enqueue the task');
      await untilStatus(fresh, 'succeeded');
    });

    it('does not stall on tasks of a type this build does not know', async () => {
      const retiredFailed = await seed({
        type: 'retired_type',
        status: 'failed',
        attempts: 1,
        error: retryable,
        updatedAgo: MINUTE,
        finishedAgo: MINUTE,
      });
      const retiredQueued = await seed({
        type: 'retired_type',
        status: 'queued',
        updatedAgo: MINUTE,
      });
      const orphan = await seed({ status: 'queued', updatedAgo: MINUTE });
      const before = await Promise.all([retiredFailed, retiredQueued].map(row));

      await expect(sweeps.run('requeue')).resolves.toBe(0);

      await untilStatus(orphan, 'succeeded');
      expect(await Promise.all([retiredFailed, retiredQueued].map(row))).toEqual(before);
      await ds.query(`DELETE FROM tasks WHERE type = 'retired_type'`);
    });
  });

  describe('stuck', () => {
    it('fails a task running past timeout + 2 × lock duration as STALLED (retryable)', async () => {
      const timeoutMs = 5 * SECOND;
      const limit = timeoutMs + 2 * LOCK_MS;
      const stuck = await seed({
        status: 'running',
        attempts: 1,
        timeoutMs,
        updatedAgo: limit + 10 * SECOND,
      });
      const alive = await seed({
        status: 'running',
        attempts: 1,
        timeoutMs,
        updatedAgo: limit - 20 * SECOND,
      });
      const aliveBefore = await row(alive);

      expect(await sweeps.run('stuck')).toBe(1);

      const failed = await row(stuck);
      expect(failed).toMatchObject({
        status: 'failed',
        attempts: 1,
        error: { code: 'STALLED', retryable: true },
      });
      expect(failed?.finished_at).not.toBeNull();
      // The retry waits for a backoff, as any retryable failure does.
      expect(failed?.next_attempt_at).not.toBeNull();
      expect(await row(alive)).toEqual(aliveBefore);

      const view = await http().get(`/api/v1/tasks/${stuck}/status`).set(authHeaders).expect(200);
      expect(view.body).toMatchObject({
        status: 'failed',
        retryable: true,
        error_details: { error_type: 'STALLED', retryable: true },
      });
      await ds.query(`DELETE FROM tasks WHERE id = ANY($1)`, [[stuck, alive]]);
    });

    it('the requeue sweep then runs the stalled task to the end', async () => {
      const stuck = await seed({
        status: 'running',
        attempts: 1,
        timeoutMs: SECOND,
        updatedAgo: 2 * LOCK_MS + 10 * SECOND,
      });
      expect(await sweeps.run('stuck')).toBe(1);
      // Re-run the requeue sweep until the (short, TASK_BACKOFF_BASE_MS=100) backoff has passed.
      await waitFor(async () => {
        await sweeps.run('requeue');
        return (await row(stuck))?.status !== 'failed';
      }, 'the stalled task to be re-queued');
      const done = await untilStatus(stuck, 'succeeded');
      expect(done.attempts).toBe(2);
    });
  });

  describe('retention', () => {
    it('deletes finished tasks older than TASK_RETENTION_DAYS and keeps the rest', async () => {
      const old = await Promise.all(
        (['succeeded', 'failed', 'cancelled'] as const).map((status) =>
          seed({ status, createdAgo: 32 * DAY, updatedAgo: 31 * DAY, finishedAgo: 31 * DAY }),
        ),
      );
      const recent = await seed({
        status: 'succeeded',
        createdAgo: 30 * DAY,
        updatedAgo: 29 * DAY,
        finishedAgo: 29 * DAY,
      });
      // Unfinished tasks are never deleted, however old.
      const oldQueued = await seed({
        status: 'queued',
        createdAgo: 90 * DAY,
        nextAttemptIn: DAY,
      });
      const oldRunning = await seed({
        status: 'running',
        attempts: 1,
        createdAgo: 90 * DAY,
        updatedAgo: 0,
      });

      expect(await sweeps.run('retention')).toBe(3);

      for (const id of old) expect(await row(id)).toBeUndefined();
      for (const id of [recent, oldQueued, oldRunning]) expect(await row(id)).toBeDefined();
      expect(await sweeps.run('retention')).toBe(0);
      await ds.query(`DELETE FROM tasks WHERE id = ANY($1)`, [[oldQueued, oldRunning]]);
    });
  });

  describe('metrics', () => {
    it('counts each run by sweep and outcome, and what it acted on', async () => {
      const before = await sweepMetric('assay_sweep_runs_total', 'retention', 'outcome="ok"');
      const affectedBefore = await sweepMetric('assay_sweep_affected_total', 'retention');
      await seed({ status: 'succeeded', updatedAgo: 40 * DAY, finishedAgo: 40 * DAY });
      const started = Date.now() / 1000;
      expect(await sweeps.run('retention')).toBe(1);
      expect(await sweepMetric('assay_sweep_runs_total', 'retention', 'outcome="ok"')).toBe(
        before + 1,
      );
      expect(await sweepMetric('assay_sweep_affected_total', 'retention')).toBe(affectedBefore + 1);
      const last = await sweepMetric('assay_sweep_last_run_timestamp_seconds', 'retention');
      expect(last).toBeGreaterThanOrEqual(Math.floor(started));

      for (const sweep of ['requeue', 'stuck'] as const) {
        const n = await sweepMetric('assay_sweep_runs_total', sweep, 'outcome="ok"');
        await sweeps.run(sweep);
        expect(await sweepMetric('assay_sweep_runs_total', sweep, 'outcome="ok"')).toBe(n + 1);
      }
    });
  });

  describe('scheduler', () => {
    let queue: Queue;
    let scheduler: SweepsScheduler;
    const ALL = ['waiting', 'active', 'delayed', 'prioritized', 'completed', 'failed'] as const;
    const jobIds = async () => (await queue.getJobs([...ALL])).map((j) => j.id).sort();

    beforeAll(() => {
      queue = t.app.get<Queue>(getQueueToken(MAINTENANCE_QUEUE));
      // Not provided when SWEEPS_ENABLED=false; built by hand so no timer runs.
      scheduler = new SweepsScheduler(t.app.get(SchedulerRegistry), sweeps, queue);
    });
    afterEach(() => {
      jest.restoreAllMocks();
    });

    it('adds one job per sweep and time bucket, however many ticks (replicas) there are', async () => {
      const every = MINUTE;
      const bucket = Math.floor(Date.now() / every) + 1;
      const at = (ms: number) => jest.spyOn(Date, 'now').mockReturnValue(ms);
      expect(await jobIds()).toEqual([]);

      at(bucket * every + 5);
      await scheduler.tick('retention', every);
      at(bucket * every + every - 5);
      await scheduler.tick('retention', every);
      jest.restoreAllMocks();
      expect(await jobIds()).toEqual([`sweep-retention-${bucket}`]);

      // The worker's maintenance processor runs it.
      const first = await waitFor(async () => {
        const j = await queue.getJob(`sweep-retention-${bucket}`);
        // One read of the job hash: finishedOn and returnvalue are written together.
        return j?.finishedOn ? j : null;
      }, 'the sweep job to complete');
      expect(first.failedReason).toBeUndefined();
      expect(first.returnvalue).toEqual({ affected: 0 });

      at((bucket + 1) * every);
      await scheduler.tick('retention', every);
      jest.restoreAllMocks();
      expect(await jobIds()).toEqual(
        [`sweep-retention-${bucket}`, `sweep-retention-${bucket + 1}`].sort(),
      );
    });
  });
});
