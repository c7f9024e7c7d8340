import { authHeaders, waitFor } from '../support/test-app';
import { LOCK_MS, MINUTE, SECOND, useSweepsApp } from './sweeps-harness';

/** The sweeps that bring tasks back to work: requeue (failed, orphaned) and stuck (lost workers). */
describe('sweeps (real Postgres + Redis)', () => {
  const { ds, sweeps, http, seed, row, untilStatus, retryable, permanent, job } =
    useSweepsApp('recovery');

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
});
