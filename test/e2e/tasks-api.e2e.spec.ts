import request from 'supertest';
import { DataSource } from 'typeorm';
import { TaskRunner } from '../../src/modules/tasks/engine/task-runner';
import { TasksRepository } from '../../src/modules/tasks/tasks.repository';
import { authHeaders, startTestApp, TestApp, waitFor } from '../support/test-app';

describe('task API end to end (real Postgres + Redis)', () => {
  let t: TestApp;
  const http = () => request(t.app.getHttpServer());

  beforeAll(async () => {
    t = await startTestApp({ HTTP_BODY_LIMIT: '4kb' });
  });
  afterAll(async () => {
    await t?.close();
  });

  const create = (payload: unknown, headers: Record<string, string> = {}) =>
    http()
      .post('/api/v1/tasks/create/diagnostic')
      .set(authHeaders)
      .set(headers)
      .send(payload as object);

  const status = async (id: string) =>
    (await http().get(`/api/v1/tasks/${id}/status`).set(authHeaders).expect(200)).body;

  const untilFinal = (id: string) =>
    waitFor(async () => {
      const s = await status(id);
      return ['succeeded', 'failed', 'cancelled'].includes(s.assay_status) ? s : null;
    }, `task ${id} to finish`);

  const countTasks = async () => {
    const rows = await t.app.get(DataSource).query('SELECT count(*)::int AS n FROM tasks');
    return rows[0].n as number;
  };

  describe('auth', () => {
    it('rejects a missing key with a problem document, and a wrong key', async () => {
      const res = await http().get('/api/v1/tasks').expect(401);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.body).toMatchObject({ status: 401, title: 'Unauthorized' });
      expect(res.body.detail).toMatch(/API key required/);
      await http().get('/api/v1/tasks').set('x-api-key', 'not-the-key-at-all-1234').expect(401);
      await http()
        .get('/api/v1/tasks')
        .set('authorization', 'Bearer wrong-wrong-wrong-wrong')
        .expect(401);
    });

    it('accepts the key as Bearer or X-API-Key', async () => {
      await http()
        .get('/api/v1/tasks')
        .set('authorization', `Bearer ${authHeaders['x-api-key']}`)
        .expect(200);
      await http().get('/api/v1/tasks').set(authHeaders).expect(200);
    });

    it('keeps the queue dashboard behind the key', async () => {
      await http().get('/queues').expect(401);
      const res = await http().get('/queues/api/queues').set(authHeaders).expect(200);
      // The key as a URL's user name (http://<key>@host/queues) or password (http://x:<key>@…).
      for (const userinfo of [`${authHeaders['x-api-key']}:`, `any:${authHeaders['x-api-key']}`]) {
        await http()
          .get('/queues/api/queues')
          .set('authorization', `Basic ${Buffer.from(userinfo).toString('base64')}`)
          .expect(200);
      }
      const names = (res.body.queues as Array<{ name: string }>).map((q) => q.name);
      expect(names).toEqual(expect.arrayContaining(['diagnostic', 'callbacks', 'maintenance']));
    });
  });

  it('create → run → status: 200 with the seed create response, then completed with the result', async () => {
    const res = await create({ sleep_ms: 5, account_id: 'acc-1' }).expect(200);
    expect(res.body).toMatchObject({
      task_name: 'diagnostic',
      status: 'scheduled',
      assay_status: 'queued',
      attempt_number: 1,
      max_retries: 5, // the diagnostic type allows 5 attempts
      original_job_id: null,
    });
    expect(res.body.job_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.body.task_id).toBe(res.body.job_id);
    expect(res.body.status_url).toBe(`/api/v1/tasks/${res.body.job_id}/status`);
    const done = await untilFinal(res.body.job_id);
    expect(done).toMatchObject({
      status: 'completed',
      assay_status: 'succeeded',
      entity_id: 'acc-1',
      completion_percentage: 100,
      attempt_number: 1,
    });
    const full = await http().get(`/api/v1/tasks/${res.body.job_id}`).set(authHeaders).expect(200);
    expect(full.body.result).toMatchObject({ ok: true, slept_ms: 5 });
    expect(full.body.input).toEqual({ sleep_ms: 5, account_id: 'acc-1' });
  });

  it('a retried task resumes after its last completed stage', async () => {
    const res = await create({ stages: ['read', 'extract', 'store'], fail_attempts: 1 }).expect(
      200,
    );
    await untilFinal(res.body.job_id);
    const full = (await http().get(`/api/v1/tasks/${res.body.job_id}`).set(authHeaders).expect(200))
      .body;
    expect(full.status).toBe('succeeded');
    expect(full.attempt_number).toBe(2);
    // "read" ran on attempt 1 only; attempt 2 reused its checkpoint.
    expect(full.result.stages).toEqual([
      { name: 'read', ran_on_attempt: 1 },
      { name: 'extract', ran_on_attempt: 2 },
      { name: 'store', ran_on_attempt: 2 },
    ]);
    expect(full.result.resumed_stages).toEqual(['read']);
    expect(full.completed_stages).toEqual(expect.arrayContaining(['read', 'extract', 'store']));
  });

  it('fail → list failed → retry → succeed', async () => {
    // 5 attempts per round; all 5 fail, so the task ends failed with a retryable error.
    const res = await create({ fail_attempts: 5 }).expect(200);
    const id = res.body.job_id;
    const failed = await untilFinal(id);
    expect(failed).toMatchObject({
      status: 'failed',
      assay_status: 'failed',
      retryable: true,
      attempt_number: 5,
      max_retries: 5,
    });
    expect(failed.error_details).toMatchObject({ error_type: 'TEMPORARY', retryable: true });

    const list = await http()
      .get('/api/v1/tasks/failed?retryable_only=true&task_name=diagnostic')
      .set(authHeaders)
      .expect(200);
    expect(list.body.map((f: { job_id: string }) => f.job_id)).toContain(id);
    const item = list.body.find((f: { job_id: string }) => f.job_id === id);
    expect(item).toMatchObject({
      status: 'failed',
      retryable: true,
      attempt_number: 5,
      max_retries: 5,
    });

    // The seed's retry answer: its create response, for the same job.
    const retried = await http().post(`/api/v1/tasks/${id}/retry`).set(authHeaders).expect(200);
    expect(retried.body).toMatchObject({
      job_id: id,
      task_id: id,
      status: 'scheduled',
      assay_status: 'queued',
      original_job_id: id,
    });
    const done = await untilFinal(id);
    expect(done).toMatchObject({ status: 'completed', attempt_number: 6, error: null });
    // Only failed (or cancelled) tasks can be retried: 400, as the seed answered.
    const refused = await http().post(`/api/v1/tasks/${id}/retry`).set(authHeaders).expect(400);
    expect(refused.body.detail).toMatch(/Only failed tasks can be retried.*succeeded/);
  });

  it('failed list validates its query and respects the date window', async () => {
    const bad = await http().get('/api/v1/tasks/failed?limit=0').set(authHeaders).expect(400);
    expect(bad.body.errors[0].field).toBe('limit');
    await http().get('/api/v1/tasks/failed?limit=1001').set(authHeaders).expect(400);
    await http().get('/api/v1/tasks/failed?start_date=yesterday').set(authHeaders).expect(400);
    const future = await http()
      .get('/api/v1/tasks/failed?start_date=2099-01-01T00:00:00Z&end_date=2099-01-02T00:00:00Z')
      .set(authHeaders)
      .expect(200);
    expect(future.body).toEqual([]);
  });

  describe('idempotency', () => {
    it('same key + same body → the original task (200); different body → 422', async () => {
      const key = `idem-${Date.now()}`;
      const first = await create({ sleep_ms: 1 }, { 'Idempotency-Key': key }).expect(200);
      const again = await create({ sleep_ms: 1 }, { 'Idempotency-Key': key }).expect(200);
      expect(again.body.job_id).toBe(first.body.job_id);
      const other = await create({ sleep_ms: 2 }, { 'Idempotency-Key': key }).expect(422);
      expect(other.body.detail).toMatch(/different request body/);
    });

    it('concurrent duplicates create one task', async () => {
      const key = `idem-conc-${Date.now()}`;
      const before = await countTasks();
      const results = await Promise.all(
        Array.from({ length: 12 }, () => create({ sleep_ms: 1 }, { 'Idempotency-Key': key })),
      );
      const ids = new Set(results.map((r) => r.body.job_id));
      expect(ids.size).toBe(1);
      expect(results.every((r) => r.status === 200)).toBe(true);
      expect(await countTasks()).toBe(before + 1);
    });

    it('a scoped task reuses a stored successful result unless refresh is asked', async () => {
      const scope = `scope-${Date.now()}`;
      const first = await create({ sleep_ms: 1, result_scope: scope }).expect(200);
      await untilFinal(first.body.job_id);
      const reused = await create({ sleep_ms: 1, result_scope: scope }).expect(200);
      expect(reused.body).toMatchObject({
        status: 'scheduled',
        assay_status: 'succeeded',
        reused: true,
        reused_from: first.body.job_id,
      });
      expect(reused.body.job_id).not.toBe(first.body.job_id);
      const firstFull = (await http().get(`/api/v1/tasks/${first.body.job_id}`).set(authHeaders))
        .body;
      const reusedFull = (await http().get(`/api/v1/tasks/${reused.body.job_id}`).set(authHeaders))
        .body;
      expect(reusedFull.result).toEqual(firstFull.result);
      const fresh = await http()
        .post('/api/v1/tasks/create/diagnostic?refresh=true')
        .set(authHeaders)
        .send({ sleep_ms: 1, result_scope: scope })
        .expect(200);
      expect(fresh.body.reused).toBeUndefined();
      expect(fresh.body.assay_status).toBe('queued');
      await untilFinal(fresh.body.job_id);

      // Stored results older than RESULT_REUSE_MAX_AGE_HOURS (default 30 days) are not reused.
      await t.app
        .get(DataSource)
        .query(
          `UPDATE tasks SET finished_at = now() - interval '31 days' WHERE input->>'result_scope' = $1`,
          [scope],
        );
      const stale = await create({ sleep_ms: 1, result_scope: scope }).expect(200);
      expect(stale.body.reused).toBeUndefined();
      expect(stale.body.assay_status).toBe('queued');
    });
  });

  describe('cancel', () => {
    it('a running task is aborted at its next check and ends cancelled', async () => {
      const res = await create({ sleep_ms: 60000, stages: ['long'] }).expect(200);
      const id = res.body.job_id;
      await waitFor(async () => (await status(id)).status === 'processing', 'task to start');
      const c = await http().post(`/api/v1/tasks/${id}/cancel`).set(authHeaders).expect(202);
      expect(c.body.cancel_requested).toBe(true);
      const done = await untilFinal(id);
      expect(done.status).toBe('cancelled');
      expect(done.error).toMatchObject({ code: 'CANCELLED', retryable: false });
      expect(done.error_details).toMatchObject({ error_type: 'CANCELLED', retryable: false });
      await http().post(`/api/v1/tasks/${id}/cancel`).set(authHeaders).expect(409);
      // A cancelled task can be retried.
      await http().post(`/api/v1/tasks/${id}/retry`).set(authHeaders).expect(200);
      await http()
        .post(`/api/v1/tasks/${id}/cancel`)
        .set(authHeaders)
        .expect((r) => {
          expect([200, 202]).toContain(r.status);
        });
      expect((await untilFinal(id)).status).toBe('cancelled');
    });
    it('a cancel requested while the worker is claiming the task stops it before its handler runs', async () => {
      const repo = t.app.get(TasksRepository);
      const runner = t.app.get(TaskRunner);
      const claim = repo.claim.bind(repo);
      const controllers = (runner as unknown as { running: Map<string, AbortController> }).running;
      let cancelled = 0;
      // The claim has taken the task (running in PostgreSQL) but has not answered the worker yet:
      // the cancel lands in that gap. No progress report or stage would look again before the
      // handler, and a zero-length task has no later moment to be aborted in.
      const spy = jest.spyOn(repo, 'claim').mockImplementation(async (taskId: string) => {
        const task = await claim(taskId);
        if (task?.accountId === 'cancel-in-claim') {
          await http().post(`/api/v1/tasks/${taskId}/cancel`).set(authHeaders).expect(202);
          await waitFor(
            async () => controllers.get(taskId)?.signal.aborted || null,
            'the cancel message to reach the worker',
          );
          cancelled++;
        }
        return task;
      });
      try {
        const res = await create({ sleep_ms: 0, account_id: 'cancel-in-claim' }).expect(200);
        const done = await untilFinal(res.body.job_id);
        expect(cancelled).toBe(1);
        expect(done.status).toBe('cancelled');
        expect(done.assay_status).toBe('cancelled');
        expect(done.error).toMatchObject({ code: 'CANCELLED', retryable: false });
        expect(done.result).toBeFalsy();
      } finally {
        spy.mockRestore();
      }
    });
  });

  describe('batch', () => {
    it('creates every task of a batch in one call and runs them', async () => {
      const res = await http()
        .post('/api/v1/tasks/batch')
        .set(authHeaders)
        .send({
          task_name: 'diagnostic',
          payloads: [{ sleep_ms: 1 }, { sleep_ms: 2 }, { sleep_ms: 3 }],
        })
        .expect(202);
      expect(res.body.count).toBe(3);
      expect(res.body.job_ids).toHaveLength(3);
      for (const id of res.body.job_ids) expect((await untilFinal(id)).status).toBe('completed');
      const page = await http()
        .get(`/api/v1/tasks?batch_id=${res.body.batch_id}`)
        .set(authHeaders)
        .expect(200);
      expect(page.body.items).toHaveLength(3);
    });

    it('stores nothing when one payload is invalid, naming it', async () => {
      const before = await countTasks();
      const res = await http()
        .post('/api/v1/tasks/batch')
        .set(authHeaders)
        .send({ task_name: 'diagnostic', payloads: [{ sleep_ms: 1 }, { sleep_ms: -5 }] })
        .expect(400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual([
        'payloads[1].sleep_ms',
      ]);
      expect(await countTasks()).toBe(before);
    });

    it('refuses more than 1,000 payloads', async () => {
      const big = await http()
        .post('/api/v1/tasks/batch')
        .set(authHeaders)
        .send({ task_name: 'diagnostic', payloads: Array.from({ length: 1001 }, () => ({})) });
      // 4 kb body limit in this suite: too large either way, never a 5xx.
      expect([400, 413]).toContain(big.status);
    });
  });

  describe('bad input changes nothing', () => {
    let before: number;
    beforeEach(async () => {
      before = await countTasks();
    });
    afterEach(async () => {
      expect(await countTasks()).toBe(before);
    });

    it('unknown task → 404 listing the known names', async () => {
      const res = await http()
        .post('/api/v1/tasks/create/nope')
        .set(authHeaders)
        .send({})
        .expect(404);
      expect(res.body.known_tasks).toContain('diagnostic');
      expect(res.body.detail).toMatch(/Known tasks: .*diagnostic/);
    });

    it('invalid fields → 400 naming each field', async () => {
      const res = await create({
        sleep_ms: 'soon',
        fail_attempts: 99,
        stages: ['ok', 'bad stage!'],
      }).expect(400);
      const fields = res.body.errors.map((e: { field: string }) => e.field);
      expect(fields).toEqual(expect.arrayContaining(['sleep_ms', 'fail_attempts', 'stages']));
      expect(res.text).not.toMatch(/at .*\.ts:\d+/);
    });

    it('a body that is not an object → 400', async () => {
      const res = await http()
        .post('/api/v1/tasks/create/diagnostic')
        .set(authHeaders)
        .set('content-type', 'application/json')
        .send('[1,2]')
        .expect(400);
      expect(res.body.errors[0]).toMatchObject({ field: 'body' });
    });

    it('malformed JSON → 400 problem', async () => {
      const res = await http()
        .post('/api/v1/tasks/create/diagnostic')
        .set(authHeaders)
        .set('content-type', 'application/json')
        .send('{"sleep_ms": ')
        .expect(400);
      expect(res.headers['content-type']).toMatch(/problem\+json/);
      expect(res.body.detail).toMatch(/not valid JSON/);
    });

    it('oversized body → 413', async () => {
      const res = await create({ stages: ['a'], padding: 'x'.repeat(10_000) }).expect(413);
      expect(res.body.status).toBe(413);
    });

    it('missing and wrong keys → 401 before anything is read', async () => {
      await http().post('/api/v1/tasks/create/diagnostic').send({ sleep_ms: 1 }).expect(401);
      await http()
        .post('/api/v1/tasks/create/diagnostic')
        .set('x-api-key', 'x'.repeat(30))
        .send({})
        .expect(401);
    });

    it('unknown job ids → 404, not 500', async () => {
      await http().get('/api/v1/tasks/not-a-uuid/status').set(authHeaders).expect(404);
      await http()
        .get('/api/v1/tasks/00000000-0000-4000-8000-000000000000')
        .set(authHeaders)
        .expect(404);
      await http()
        .post('/api/v1/tasks/00000000-0000-4000-8000-000000000000/retry')
        .set(authHeaders)
        .expect(404);
      await http()
        .post('/api/v1/tasks/00000000-0000-4000-8000-000000000000/cancel')
        .set(authHeaders)
        .expect(404);
    });
  });

  it('lists tasks with filters and cursor paging', async () => {
    const acc = `acc-page-${Date.now()}`;
    for (let i = 0; i < 5; i++) await create({ sleep_ms: 0, account_id: acc }).expect(200);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const url = `/api/v1/tasks?account_id=${acc}&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const page: request.Response = await http().get(url).set(authHeaders).expect(200);
      seen.push(...page.body.items.map((i: { job_id: string }) => i.job_id));
      cursor = page.body.next_cursor;
    } while (cursor);
    expect(seen).toHaveLength(5);
    expect(new Set(seen).size).toBe(5);
    await http().get('/api/v1/tasks?status=bogus').set(authHeaders).expect(400);
    await http().get('/api/v1/tasks?cursor=zzz').set(authHeaders).expect(400);
  });
});
