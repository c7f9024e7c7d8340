import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { SweepsService } from '../../src/modules/sweeps/sweeps.service';
import { authHeaders, waitFor } from '../support/test-app';
import { useCallbacksApp, verify } from './callbacks-harness';

/**
 * A finished task's callback: one POST signed per Standard Webhooks in the seed envelope, for
 * every way a task ends (succeeded, failed, cancelled, reused, failed by the stuck sweep), and
 * progress callbacks when the task asks for them.
 */
describe('callbacks end to end (real Postgres + Redis, local receivers)', () => {
  const { app, receiver, http, create, settled, status } = useCallbacksApp();

  describe('a finished task', () => {
    it('sends one POST, signed per Standard Webhooks, with the seed envelope', async () => {
      const res = await create({
        stages: ['read', 'write'],
        account_id: 'acc-1',
        callback_url: receiver.url('/ok'),
      }).expect(200);
      const jobId = res.body.job_id;
      const [d] = await settled(jobId, ['delivered']);
      const [got] = receiver.on('/ok');
      // No progress callbacks: the task did not ask for them.
      expect(receiver.on('/ok')).toHaveLength(1);

      expect(verify(got)).toMatchObject({ job_id: jobId });
      expect(got.headers['webhook-id']).toBe(d.id);
      expect(d.id).toMatch(/^msg_[0-9a-f-]{36}$/);
      expect(got.headers['webhook-timestamp']).toMatch(/^\d{10}$/);
      expect(got.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
      expect(got.headers['content-type']).toBe('application/json');
      expect(got.headers['user-agent']).toMatch(/^Assay/);
      expect(got.body).toEqual({
        event: 'task.succeeded',
        task_name: 'diagnostic',
        job_id: jobId,
        account_id: 'acc-1',
        lead_id: null,
        status: 'completed',
        enrichment_type: 'diagnostic',
        source: 'assay',
        is_partial: false,
        completion_percentage: 100,
        orchestration_data: null,
        processed_data: expect.objectContaining({ ok: true, attempt: 1 }),
        attempt_number: 1,
        max_retries: 5,
        assay_task_id: jobId,
        assay_status: 'succeeded',
        timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      });
      // A tampered body does not verify.
      expect(() => verify({ ...got, raw: got.raw.replace('acc-1', 'acc-2') })).toThrow();
      expect(d).toMatchObject({
        job_id: jobId,
        event: 'task.succeeded',
        url: receiver.url('/ok'),
        status: 'delivered',
        attempts: 1,
        last_status_code: 200,
        next_attempt_at: null,
      });
      // The stored body is exactly what was sent.
      const detail = await http().get(`/api/v1/callbacks/${d.id}`).set(authHeaders).expect(200);
      expect(detail.body.payload).toEqual(got.body);
    });

    it('reports a failed task as failed with error_details', async () => {
      const res = await create({ fail_attempts: 5, callback_url: receiver.url('/failed') });
      await settled(res.body.job_id, ['delivered']);
      const [got] = receiver.on('/failed');
      expect(verify(got)).toMatchObject({
        event: 'task.failed',
        status: 'failed',
        is_partial: false,
        attempt_number: 5,
        max_retries: 5,
        error_details: {
          error_type: 'TEMPORARY',
          message: expect.stringMatching(/on purpose/),
          step: null,
          retryable: true,
          timestamp: expect.any(String),
        },
      });
      expect(got.body).not.toHaveProperty('processed_data');
    });

    it('reports a cancelled task as cancelled, error_details saying CANCELLED', async () => {
      const res = await create({
        sleep_ms: 60000,
        stages: ['long'],
        callback_url: receiver.url('/cancelled'),
      });
      const id = res.body.job_id;
      await waitFor(async () => (await status(id)).status === 'processing', 'task to start');
      await http().post(`/api/v1/tasks/${id}/cancel`).set(authHeaders).expect(202);
      await settled(id, ['delivered']);
      expect(verify(receiver.on('/cancelled')[0])).toMatchObject({
        event: 'task.cancelled',
        status: 'cancelled',
        assay_status: 'cancelled',
        error_details: { error_type: 'CANCELLED', retryable: false, stage: 'long', step: 'long' },
      });
    });

    it('sends progress callbacks at each new stage when the task asks for them', async () => {
      const res = await create({
        stages: ['read', 'extract', 'store'],
        callback_progress: true,
        callback_url: receiver.url('/progress'),
      }).expect(200);
      const items = await settled(res.body.job_id, ['delivered'], 4);
      expect(items.map((d) => d.event).sort()).toEqual([
        'task.progress',
        'task.progress',
        'task.progress',
        'task.succeeded',
      ]);
      const progress = receiver
        .on('/progress')
        .map(verify)
        .filter((b) => b.event === 'task.progress')
        .sort((a, b) => a.completion_percentage - b.completion_percentage);
      expect(progress.map((b) => [b.stage, b.completion_percentage])).toEqual([
        ['read', 0],
        ['extract', 33],
        ['store', 67],
      ]);
      for (const b of progress) {
        // is_partial is the seed's flag for early partial results only.
        expect(b).toMatchObject({
          status: 'processing',
          assay_status: 'running',
          is_partial: false,
          job_id: res.body.job_id,
        });
      }
      // Each delivery has its own webhook-id.
      expect(new Set(receiver.on('/progress').map((r) => r.headers['webhook-id'])).size).toBe(4);
    });

    it('calls back a task that reuses a stored result (ends at creation)', async () => {
      const scope = `cb-scope-${Date.now()}`;
      const first = await create({ result_scope: scope }).expect(200);
      await waitFor(async () => (await status(first.body.job_id)).status === 'completed', 'first');
      const reused = await create({
        result_scope: scope,
        callback_url: receiver.url('/reused'),
      }).expect(200);
      expect(reused.body.reused).toBe(true);
      await settled(reused.body.job_id, ['delivered']);
      expect(verify(receiver.on('/reused')[0])).toMatchObject({
        job_id: reused.body.job_id,
        status: 'completed',
        processed_data: { ok: true },
        attempt_number: 0,
      });
    });

    it('calls back a task the stuck sweep fails on its last attempt', async () => {
      const ds = app.t.app.get(DataSource);
      const id = randomUUID();
      await ds.query(
        `INSERT INTO tasks (id, type, status, stage, attempts, max_attempts, timeout_ms, input,
                            trace_id, callback_url, started_at, updated_at)
         VALUES ($1, 'diagnostic', 'running', 'extract', 3, 3, 1000, '{}', 'stuck-trace', $2,
                 now() - interval '10 minutes', now() - interval '10 minutes')`,
        [id, receiver.url('/stuck')],
      );
      expect(await app.t.app.get(SweepsService).run('stuck')).toBeGreaterThanOrEqual(1);
      await settled(id, ['delivered']);
      expect(verify(receiver.on('/stuck')[0])).toMatchObject({
        job_id: id,
        event: 'task.failed',
        status: 'failed',
        error_details: { error_type: 'STALLED', step: 'extract' },
      });
    });

    it('refuses a non-boolean callback_progress', async () => {
      const res = await create({ callback_progress: 'yes', callback_url: receiver.url('/x') });
      expect(res.status).toBe(400);
      expect(res.body.errors).toEqual([
        { field: 'callback_progress', message: 'callback_progress must be true or false' },
      ]);
    });
  });
});
