import { Module } from '@nestjs/common';
import { randomBytes, randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { CallbackQueue } from '../../src/modules/callbacks/callback-queue';
import { CallbacksProcessor } from '../../src/modules/callbacks/callbacks.processor';
import { SweepsService } from '../../src/modules/sweeps/sweeps.service';
import { TaskHandler, TaskType } from '../../src/modules/tasks/engine/task-type.decorator';
import { authHeaders, startTestApp, TestApp, waitFor } from '../support/test-app';
import { Received, WebhookReceiver } from '../support/webhook-receiver';

type Json = Record<string, any>;

const SECRET = `whsec_${randomBytes(32).toString('base64')}`;

// ---- a task type whose result holds the seed's lead lists (for pagination) -------------------

class LeadsProbeInput {}

const lead = (id: string) => ({ id, linkedin_url: `https://www.linkedin.com/in/${id}` });
const range = (prefix: string, from: number, to: number) =>
  Array.from({ length: to - from }, (_, i) => lead(`${prefix}${from + i}`));
/** all_leads a0..a39; qualified a0..a29 + q0..q4; structured a10..a19 + s0..s2 → 48 ids. */
const LEADS_RESULT = {
  all_leads: range('a', 0, 40),
  qualified_leads: [...range('a', 0, 30), ...range('q', 0, 5)],
  structured_leads: [...range('a', 10, 20), ...range('s', 0, 3)],
  score_distribution: { high: 10, low: 30 },
};

@TaskType({
  name: 'callback_leads_probe',
  input: LeadsProbeInput,
  enrichmentType: 'generate_leads',
  maxAttempts: 1,
})
class LeadsProbeTask implements TaskHandler<LeadsProbeInput> {
  async run() {
    return LEADS_RESULT;
  }
}

@Module({ providers: [LeadsProbeTask] })
class LeadsProbeModule {}

// ---------------------------------------------------------------------------------------------

const verify = (r: Received) =>
  new Webhook(SECRET).verify(r.raw, r.headers as Record<string, string>) as Json;

describe('callbacks end to end (real Postgres + Redis, local receivers)', () => {
  let t: TestApp;
  let receiver: WebhookReceiver;
  let target: WebhookReceiver;
  const http = () => request(t.app.getHttpServer());

  const env = {
    CALLBACK_SIGNING_SECRET: SECRET,
    CALLBACK_ALLOWED_HOSTS: '127.0.0.1',
    CALLBACK_RETRY_SCHEDULE: '0,0.2,0.2',
    CALLBACK_TIMEOUT_MS: '3000',
  };

  beforeAll(async () => {
    receiver = await new WebhookReceiver().start();
    target = await new WebhookReceiver().start();
    t = await startTestApp(env, [LeadsProbeModule]);
  });
  afterAll(async () => {
    await t?.close();
    await receiver?.close();
    await target?.close();
  });

  const create = (payload: Json, name = 'diagnostic') =>
    http().post(`/api/v1/tasks/create/${name}`).set(authHeaders).send(payload);

  const deliveries = async (jobId: string): Promise<Json[]> =>
    (await http().get(`/api/v1/callbacks?job_id=${jobId}`).set(authHeaders).expect(200)).body.items;

  /** Waits until every delivery of the task is in one of `statuses` (and there is at least one). */
  const settled = (jobId: string, statuses: string[], count = 1) =>
    waitFor(
      async () => {
        const items = await deliveries(jobId);
        return items.length >= count && items.every((d) => statuses.includes(d.status))
          ? items
          : null;
      },
      `deliveries of ${jobId} to be ${statuses.join('/')}`,
    );

  const status = async (id: string) =>
    (await http().get(`/api/v1/tasks/${id}/status`).set(authHeaders).expect(200)).body;

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
      const ds = t.app.get(DataSource);
      const id = randomUUID();
      await ds.query(
        `INSERT INTO tasks (id, type, status, stage, attempts, max_attempts, timeout_ms, input,
                            trace_id, callback_url, started_at, updated_at)
         VALUES ($1, 'diagnostic', 'running', 'extract', 3, 3, 1000, '{}', 'stuck-trace', $2,
                 now() - interval '10 minutes', now() - interval '10 minutes')`,
        [id, receiver.url('/stuck')],
      );
      expect(await t.app.get(SweepsService).run('stuck')).toBeGreaterThanOrEqual(1);
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

  describe('retries and dead letters', () => {
    it('retries a failing receiver with the same webhook-id, dead-letters it, and redelivers it', async () => {
      receiver.status('/down', 500);
      const res = await create({ callback_url: receiver.url('/down') }).expect(200);
      const [dead] = await settled(res.body.job_id, ['dead']);
      const tries = receiver.on('/down');
      // CALLBACK_RETRY_SCHEDULE=0,0.2,0.2: three attempts, then the dead letter.
      expect(tries).toHaveLength(3);
      expect(new Set(tries.map((r) => r.headers['webhook-id']))).toEqual(new Set([dead.id]));
      for (const r of tries) expect(verify(r).job_id).toBe(res.body.job_id);
      expect(dead).toMatchObject({ attempts: 3, last_status_code: 500, last_error: 'HTTP 500' });

      // The receiver is back: a redelivery sends the same message again, freshly signed.
      receiver.handle('/down', (_r, _n, out) => out.writeHead(204).end());
      const again = await http()
        .post(`/api/v1/callbacks/${dead.id}/redeliver`)
        .set(authHeaders)
        .expect(202);
      expect(again.body).toMatchObject({ id: dead.id, status: 'pending' });
      const [done] = await settled(res.body.job_id, ['delivered']);
      expect(done).toMatchObject({ id: dead.id, attempts: 4, last_status_code: 204 });
      const last = receiver.on('/down')[3];
      expect(last.headers['webhook-id']).toBe(dead.id);
      expect(last.raw).toBe(tries[0].raw);
      expect(verify(last).job_id).toBe(res.body.job_id);

      const metrics = (await http().get('/metrics').expect(200)).text;
      expect(metrics).toMatch(/assay_callbacks_total\{outcome="dead"\} [1-9]/);
      expect(metrics).toMatch(/assay_callbacks_total\{outcome="failed"\} [1-9]/);
      expect(metrics).toMatch(
        /assay_callback_delivery_duration_seconds_count\{outcome="delivered"\}/,
      );
    });

    it('counts a 3xx as a failure and never follows it', async () => {
      receiver.status('/moved', 302, { location: target.url('/elsewhere') });
      const res = await create({ callback_url: receiver.url('/moved') }).expect(200);
      const [dead] = await settled(res.body.job_id, ['dead']);
      expect(receiver.on('/moved')).toHaveLength(3);
      expect(target.connections).toBe(0);
      expect(dead.last_status_code).toBe(302);
      expect(dead.last_error).toMatch(/redirect to .*\/elsewhere not followed/);
    });

    it('honours Retry-After on a 429 as the minimum wait', async () => {
      receiver.handle('/throttled', (_r, nth, out) =>
        nth === 1 ? out.writeHead(429, { 'retry-after': '1' }).end() : out.writeHead(200).end(),
      );
      const res = await create({ callback_url: receiver.url('/throttled') }).expect(200);
      const [d] = await settled(res.body.job_id, ['delivered']);
      expect(d.attempts).toBe(2);
      const [first, second] = receiver.on('/throttled');
      const gap =
        Number(second.headers['webhook-timestamp']) - Number(first.headers['webhook-timestamp']);
      // The schedule says 0.2 s; Retry-After: 1 wins (timestamps are whole seconds).
      expect(gap).toBeGreaterThanOrEqual(1);
    });

    it('disables a URL that answers 410 Gone, until a forced redelivery re-enables it', async () => {
      receiver.status('/gone', 410);
      const first = await create({ callback_url: receiver.url('/gone') }).expect(200);
      const [d1] = await settled(first.body.job_id, ['disabled']);
      expect(d1).toMatchObject({ attempts: 1, last_status_code: 410 });
      expect(receiver.on('/gone')).toHaveLength(1);

      // Later deliveries to the URL are not sent at all.
      const second = await create({ callback_url: receiver.url('/gone') }).expect(200);
      const [d2] = await settled(second.body.job_id, ['disabled']);
      expect(d2.attempts).toBe(0);
      expect(receiver.on('/gone')).toHaveLength(1);

      const conflict = await http()
        .post(`/api/v1/callbacks/${d2.id}/redeliver`)
        .set(authHeaders)
        .expect(409);
      expect(conflict.body.detail).toMatch(/410 Gone.*force=true/);

      receiver.status('/gone', 200);
      await http()
        .post(`/api/v1/callbacks/${d2.id}/redeliver?force=true`)
        .set(authHeaders)
        .expect(202);
      await settled(second.body.job_id, ['delivered']);
      expect(receiver.on('/gone')).toHaveLength(2);
    });

    it('answers 404 for an unknown delivery and 409 for one still pending', async () => {
      await http().post('/api/v1/callbacks/msg_nope/redeliver').set(authHeaders).expect(404);
      await http().get('/api/v1/callbacks/msg_nope').set(authHeaders).expect(404);
      const ds = t.app.get(DataSource);
      const res = await create({ callback_url: receiver.url('/later') }).expect(200);
      const [d] = await settled(res.body.job_id, ['delivered']);
      await ds.query(`UPDATE callback_deliveries SET status = 'pending' WHERE id = $1`, [d.id]);
      const conflict = await http()
        .post(`/api/v1/callbacks/${d.id}/redeliver`)
        .set(authHeaders)
        .expect(409);
      expect(conflict.body.detail).toMatch(/waiting for its first attempt/);
      await ds.query(`UPDATE callback_deliveries SET status = 'delivered' WHERE id = $1`, [d.id]);
    });
  });

  describe('pagination', () => {
    it('splits a large lead list into pages joined on id, sent in order', async () => {
      // Page 1 fails once: page 2 must wait for it.
      receiver.handle('/pages', (r, _nth, out) => {
        const page = (r.body.pagination as Json | undefined)?.page;
        const firstTry = receiver
          .on('/pages')
          .filter((x) => (x.body as Json).pagination?.page === 1);
        if (page === 1 && firstTry.length === 1) return out.writeHead(503).end();
        out.writeHead(200).end();
      });
      const res = await create(
        { account_id: 'acc-9', callback_url: receiver.url('/pages') },
        'callback_leads_probe',
      ).expect(200);
      const items = await settled(res.body.job_id, ['delivered'], 3);
      expect(items.map((d) => [d.page, d.total_pages]).sort()).toEqual([
        [1, 3],
        [2, 3],
        [3, 3],
      ]);
      const got = receiver.on('/pages');
      expect(got.map((r) => (r.body as Json).pagination.page)).toEqual([1, 1, 2, 3]);
      expect(new Set(got.map((r) => r.headers['webhook-id'])).size).toBe(3);

      const pages = got.slice(1).map(verify);
      const ids = (list: Json[]) => list.map((l) => l.id);
      for (const p of pages) {
        expect(p).toMatchObject({
          job_id: res.body.job_id,
          account_id: 'acc-9',
          status: 'completed',
          enrichment_type: 'generate_leads',
          is_partial: false,
          completion_percentage: 100,
          raw_data: null,
          error_details: null,
          attempt_number: 1,
          max_retries: 1,
        });
        expect(p).not.toHaveProperty('orchestration_data');
        expect(p.processed_data.score_distribution).toEqual(LEADS_RESULT.score_distribution);
        expect(p.pagination).toMatchObject({ total_pages: 3, leads_per_page: 20, total_leads: 48 });
        expect(Object.keys(p.pagination.current_chunk).sort()).toEqual([
          'all_leads',
          'qualified_leads',
          'structured_leads',
        ]);
        for (const k of ['all_leads', 'qualified_leads', 'structured_leads']) {
          expect(p.processed_data[k]).toEqual(p.pagination.current_chunk[k]);
        }
      }
      // The seed's id order: all_leads, then ids only in qualified, then only in structured.
      const pageIds = pages.map((p) => [
        ...new Set([
          ...ids(p.pagination.current_chunk.all_leads),
          ...ids(p.pagination.current_chunk.qualified_leads),
          ...ids(p.pagination.current_chunk.structured_leads),
        ]),
      ]);
      expect(pageIds[0]).toEqual(ids(range('a', 0, 20)));
      expect(pageIds[1]).toEqual(ids(range('a', 20, 40)));
      expect(pageIds[2].sort()).toEqual(
        [...ids(range('q', 0, 5)), ...ids(range('s', 0, 3))].sort(),
      );
      // Every item of every list arrives exactly once.
      for (const k of ['all_leads', 'qualified_leads', 'structured_leads'] as const) {
        expect(pages.flatMap((p) => ids(p.processed_data[k])).sort()).toEqual(
          ids(LEADS_RESULT[k]).sort(),
        );
      }
    });
  });

  describe('SSRF', () => {
    let canary: WebhookReceiver;
    beforeAll(async () => {
      canary = await new WebhookReceiver().start();
    });
    afterAll(async () => {
      await canary?.close();
    });

    it.each([
      ['http://169.254.169.254/latest/meta-data/', /metadata/],
      ['http://[fd00:ec2::254]/', /metadata/],
      ['http://10.0.0.1/hook', /private/],
      ['http://100.64.0.1/', /carrierGradeNat/],
      ['http://[::1]:9/', /loopback/],
      ['ftp://example.com/', /http:\/\//],
    ])('refuses callback_url %s at creation with a 400 naming the field', async (url, why) => {
      const res = await create({ callback_url: url }).expect(400);
      expect(res.body.errors).toEqual([
        { field: 'callback_url', message: expect.stringMatching(why) },
      ]);
    });

    it('refuses disguised spellings of the canary address, which sees no connection', async () => {
      for (const url of [
        `http://2130706433:${canary.port}/`,
        `http://0x7f.1:${canary.port}/`,
        `http://0177.0.0.1:${canary.port}/`,
        `http://[::ffff:127.0.0.1]:${canary.port}/`,
      ]) {
        const res = await create({ callback_url: url });
        expect(res.status).toBe(400);
        expect(res.body.errors[0].field).toBe('callback_url');
      }
      const batch = await http()
        .post('/api/v1/tasks/batch')
        .set(authHeaders)
        .send({
          task_name: 'diagnostic',
          payloads: [{}],
          callback_url: 'http://169.254.169.254/',
        })
        .expect(400);
      expect(batch.body.errors[0].field).toBe('callback_url');
      expect(canary.connections).toBe(0);
    });
  });

  describe('retention', () => {
    it('the callbacks sweep deletes finished deliveries past TASK_RETENTION_DAYS', async () => {
      const res = await create({ callback_url: receiver.url('/old') }).expect(200);
      const [d] = await settled(res.body.job_id, ['delivered']);
      const ds = t.app.get(DataSource);
      await ds.query(
        `UPDATE callback_deliveries SET created_at = now() - interval '31 days' WHERE id = $1`,
        [d.id],
      );
      expect(await t.app.get(SweepsService).run('callbacks')).toBeGreaterThanOrEqual(1);
      await http().get(`/api/v1/callbacks/${d.id}`).set(authHeaders).expect(404);
    });
  });

  describe('API', () => {
    it('lists deliveries with filters and cursor paging, and documents the webhook', async () => {
      const all = await http().get('/api/v1/callbacks?limit=2').set(authHeaders).expect(200);
      expect(all.body.items).toHaveLength(2);
      expect(all.body.next_cursor).toEqual(expect.any(String));
      const next = await http()
        .get(`/api/v1/callbacks?limit=2&cursor=${all.body.next_cursor}`)
        .set(authHeaders)
        .expect(200);
      expect(next.body.items[0].id).not.toBe(all.body.items[1].id);
      const dead = await http().get('/api/v1/callbacks?status=dead').set(authHeaders).expect(200);
      expect(dead.body.items.length).toBeGreaterThan(0);
      expect(dead.body.items.every((d: Json) => d.status === 'dead')).toBe(true);
      await http().get('/api/v1/callbacks?status=lost').set(authHeaders).expect(400);
      await http().get('/api/v1/callbacks?cursor=zzz').set(authHeaders).expect(400);
      await http().get('/api/v1/callbacks?job_id=not-a-uuid').set(authHeaders).expect(400);
      await http().get('/api/v1/callbacks').expect(401);

      const doc = (await http().get('/docs-json').expect(200)).body;
      expect(doc.paths).toHaveProperty(['/api/v1/callbacks']);
      expect(doc.paths).toHaveProperty(['/api/v1/callbacks/{id}/redeliver']);
      expect(doc.components.schemas.CallbackEnvelopeDto.properties).toHaveProperty('job_id');
      expect(
        doc['x-webhooks'].taskCallback.post.requestBody.content['application/json'].schema,
      ).toEqual({ $ref: '#/components/schemas/CallbackEnvelopeDto' });
    });
  });
});

describe('callbacks after a crash, and send-time SSRF checks', () => {
  let receiver: WebhookReceiver;
  const apps: TestApp[] = [];
  beforeAll(async () => {
    receiver = await new WebhookReceiver().start();
  });
  afterAll(async () => {
    for (const a of apps) await a.close().catch(() => undefined);
    await receiver?.close();
  });
  const start = async (env: Record<string, string>) => {
    const app = await startTestApp({ CALLBACK_SIGNING_SECRET: SECRET, ...env });
    apps.push(app);
    return app;
  };
  const http = (a: TestApp) => request(a.app.getHttpServer());

  it('delivers after a restart what was committed but never queued', async () => {
    const a = await start({ CALLBACK_ALLOWED_HOSTS: '127.0.0.1' });
    // The relay of this instance is gone: what the outbox stores stays in Postgres.
    await a.app.get(CallbacksProcessor).worker!.close();
    const res = await http(a)
      .post('/api/v1/tasks/create/diagnostic')
      .set(authHeaders)
      .send({ callback_url: receiver.url('/crash') })
      .expect(200);
    const jobId = res.body.job_id;
    const [row] = await waitFor(async () => {
      const s = await http(a).get(`/api/v1/tasks/${jobId}/status`).set(authHeaders);
      if (s.body.status !== 'completed') return null;
      const items = (await http(a).get(`/api/v1/callbacks?job_id=${jobId}`).set(authHeaders)).body
        .items as Json[];
      return items.length ? items : null;
    }, 'task to succeed with its delivery stored');
    expect(row.status).toBe('pending');
    // As if the process died between the commit and the enqueue: no job in Redis.
    await a.app.get(CallbackQueue).queue.remove(row.id);
    expect(await a.app.get(CallbackQueue).queue.getJob(row.id)).toBeUndefined();
    await a.close();
    apps.splice(apps.indexOf(a), 1);
    expect(receiver.on('/crash')).toHaveLength(0);

    // A new instance on the same database and Redis: the callbacks sweep finds the row.
    const b = await start({
      CALLBACK_ALLOWED_HOSTS: '127.0.0.1',
      REDIS_PREFIX: a.config.REDIS_PREFIX,
      SWEEPS_ENABLED: 'true',
      SWEEP_CALLBACKS_INTERVAL_MS: '1000',
    });
    await waitFor(async () => receiver.on('/crash').length === 1, 'the callback after restart');
    const [got] = receiver.on('/crash');
    expect(got.headers['webhook-id']).toBe(row.id);
    expect(verify(got)).toMatchObject({ job_id: jobId, status: 'completed' });
    await waitFor(async () => {
      const d = (await http(b).get(`/api/v1/callbacks/${row.id}`).set(authHeaders)).body;
      return d.status === 'delivered';
    }, 'the delivery to be recorded as delivered');
  });

  it('dead-letters a delivery whose host resolves to a blocked address, without connecting', async () => {
    // No allow-list: `localhost` passes creation (names are checked when sending) and resolves
    // to 127.0.0.1, which is blocked then.
    const c = await start({});
    const connectionsBefore = receiver.connections;
    const res = await http(c)
      .post('/api/v1/tasks/create/diagnostic')
      .set(authHeaders)
      .send({ callback_url: `http://localhost:${receiver.port}/blocked` })
      .expect(200);
    const d = await waitFor(async () => {
      const items = (
        await http(c).get(`/api/v1/callbacks?job_id=${res.body.job_id}`).set(authHeaders)
      ).body.items as Json[];
      return items[0]?.status === 'dead' ? items[0] : null;
    }, 'the delivery to be dead');
    expect(d).toMatchObject({ attempts: 1, last_status_code: null });
    expect(d.last_error).toMatch(
      /^BLOCKED: blocked: localhost resolves to 127\.0\.0\.1 .*loopback/,
    );
    expect(receiver.on('/blocked')).toHaveLength(0);
    expect(receiver.connections).toBe(connectionsBefore);
    // Redelivering does not get it through either.
    await http(c).post(`/api/v1/callbacks/${d.id}/redeliver`).set(authHeaders).expect(202);
    await waitFor(async () => {
      const x = (await http(c).get(`/api/v1/callbacks/${d.id}`).set(authHeaders)).body;
      return x.status === 'dead' && x.attempts === 2;
    }, 'the redelivery to be dead too');
    expect(receiver.connections).toBe(connectionsBefore);
  });

  it('refuses callback_url with a clear message when no signing secret is configured', async () => {
    const n = await startTestApp({ CALLBACK_ALLOWED_HOSTS: '127.0.0.1' });
    apps.push(n);
    const res = await http(n)
      .post('/api/v1/tasks/create/diagnostic')
      .set(authHeaders)
      .send({ callback_url: receiver.url('/nosecret') })
      .expect(400);
    expect(res.body.errors[0]).toEqual({
      field: 'callback_url',
      message: expect.stringMatching(/no CALLBACK_SIGNING_SECRET/),
    });
    // Without a callback_url nothing changes.
    await http(n).post('/api/v1/tasks/create/diagnostic').set(authHeaders).send({}).expect(200);
  });
});
