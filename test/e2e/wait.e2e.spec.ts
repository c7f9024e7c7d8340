import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import request from 'supertest';
import { CompanySite, startCompanySite } from '../accounts/company-site-server';
import { AssayProcess, assertBuilt, killAll, startAssay, withOutput } from '../support/spawn';
import { authHeaders, startTestApp, TestApp, testEnv } from '../support/test-app';
import { TasksRepository } from '../../src/modules/tasks/tasks.repository';

/**
 * `?wait=<seconds>` on the create routes: the finished task in the same request when it ends in
 * time, else the usual answer with Location and Retry-After. The wait is woken by the task's end
 * announcement (Redis pub/sub), also when the task runs in another process, and reads the task
 * again only when woken or every few seconds.
 */

type Json = Record<string, any>;

const timed = async <T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> => {
  const start = Date.now();
  const value = await fn();
  return { value, ms: Date.now() - start };
};

describe('?wait= on the create routes (one process)', () => {
  let t: TestApp;
  let site: CompanySite;
  let slowSite: CompanySite;
  const http = () => request(t.app.getHttpServer());
  const createDiagnostic = (query: string, body: object) =>
    http().post(`/api/v1/tasks/create/diagnostic${query}`).set(authHeaders).send(body);

  beforeAll(async () => {
    site = await startCompanySite('brightforge-plain');
    slowSite = await startCompanySite('brightforge-plain');
    // Every page of this one takes 3 s: its enhancement cannot end within a 1 s wait.
    const serve = slowSite.handler;
    slowSite.handler = (req: IncomingMessage, res: ServerResponse) => {
      setTimeout(() => serve(req, res), 3000);
    };
    t = await startTestApp({
      WEB_FETCH_ALLOWED_HOSTS: '127.0.0.1',
      QUEUE_LOCK_DURATION_MS: '30000',
    });
  });
  afterAll(async () => {
    await t?.close();
    await site?.close();
    await slowSite?.close();
  });

  it('a fast task with ?wait=10 answers finished, with its result, in the same request', async () => {
    const { value: res, ms } = await timed(() =>
      createDiagnostic('?wait=10', { stages: ['read', 'write'] }).expect(200),
    );
    expect(res.body).toMatchObject({
      task_name: 'diagnostic',
      status: 'completed',
      assay_status: 'succeeded',
      completion_percentage: 100,
      result: { ok: true, stages: [{ name: 'read' }, { name: 'write' }] },
    });
    expect(res.body.status_url).toBe(`/api/v1/tasks/${res.body.job_id}/status`);
    expect(res.headers.location).toBeUndefined();
    expect(res.headers['retry-after']).toBeUndefined();
    // Woken by the end announcement, not by the 5 s fallback read.
    expect(ms).toBeLessThan(4000);
  });

  it('a slow task (sleep_ms 5000) with ?wait=1 answers after about 1 s, as usual, with Location and Retry-After', async () => {
    const repo = t.app.get(TasksRepository);
    const reads = jest.spyOn(repo, 'findById');
    try {
      const { value: res, ms } = await timed(() =>
        createDiagnostic('?wait=1', { sleep_ms: 5000 }).expect(200),
      );
      expect(res.body).toMatchObject({ status: 'scheduled', task_name: 'diagnostic' });
      expect(['queued', 'running']).toContain(res.body.assay_status);
      expect(res.headers.location).toBe(`/api/v1/tasks/${res.body.job_id}/status`);
      expect(res.headers['retry-after']).toMatch(/^\d+$/);
      expect(ms).toBeGreaterThanOrEqual(950);
      expect(ms).toBeLessThan(4000);
      // No tight loop: the wait read the task a handful of times at most.
      const own = reads.mock.calls.filter(([id]) => id === res.body.assay_task_id);
      expect(own.length).toBeLessThanOrEqual(4);
    } finally {
      reads.mockRestore();
    }
  });

  it('without wait (or wait=0) answers at once, with Location and Retry-After while the task runs', async () => {
    for (const query of ['', '?wait=0']) {
      const { value: res, ms } = await timed(() =>
        createDiagnostic(query, { sleep_ms: 3000 }).expect(200),
      );
      expect(res.body.status).toBe('scheduled');
      expect(res.headers.location).toBe(res.body.status_url);
      expect(res.headers['retry-after']).toMatch(/^\d+$/);
      expect(ms).toBeLessThan(900);
    }
  });

  it('a dry run ignores wait', async () => {
    const { value: res, ms } = await timed(() =>
      createDiagnostic('?wait=30&dry_run=true', { sleep_ms: 60000 }).expect(200),
    );
    expect(res.body).toMatchObject({ dry_run: true, task_name: 'diagnostic' });
    expect(ms).toBeLessThan(900);
  });

  it.each(['61', '-1', 'abc', '1.5', '', '1e1'])(
    'refuses wait=%p with a 400 naming wait (create and enrich)',
    async (value) => {
      const create = await createDiagnostic(`?wait=${value}`, {}).expect(400);
      expect(create.body.errors.map((e: { field: string }) => e.field)).toEqual(['wait']);
      const enrich = await http()
        .post(`/api/v1/accounts/enrich?wait=${value}`)
        .set(authHeaders)
        .send({ website: site.origin })
        .expect(400);
      expect(enrich.body.errors.map((e: { field: string }) => e.field)).toEqual(['wait']);
    },
  );

  it('refuses a repeated wait parameter', async () => {
    const res = await createDiagnostic('?wait=1&wait=2', {}).expect(400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain('wait');
  });

  it('enrich ?wait=60 answers 200 with the finished task (the native view)', async () => {
    const accountId = `acct-wait-${randomUUID().slice(0, 8)}`;
    const res = await http()
      .post('/api/v1/accounts/enrich?wait=60')
      .set(authHeaders)
      .send({ website: `${site.origin}/`, account_id: accountId })
      .expect(200);
    expect(res.body).toMatchObject({
      task_name: 'account_enhancement',
      status: 'succeeded',
      result: { status: 'completed', successful_accounts: 1 },
    });
    expect(res.body.result.company_name).toMatch(/^Brightforge/);
    expect(res.headers.location).toBeUndefined();
  });

  it('enrich ?wait=1 on a slow site answers 202 with Location and Retry-After', async () => {
    const { value: res, ms } = await timed(() =>
      http()
        .post('/api/v1/accounts/enrich?wait=1')
        .set(authHeaders)
        .send({
          website: `${slowSite.origin}/`,
          account_id: `acct-slow-${randomUUID().slice(0, 8)}`,
        })
        .expect(202),
    );
    expect(res.body).toMatchObject({ task_name: 'account_enhancement' });
    expect(['queued', 'running']).toContain(res.body.status);
    expect(res.headers.location).toBe(`/api/v1/tasks/${res.body.job_id}`);
    expect(res.headers['retry-after']).toMatch(/^\d+$/);
    expect(ms).toBeGreaterThanOrEqual(950);
    expect(ms).toBeLessThan(4000);
    // Location answers with the task.
    const task = await http().get(res.headers.location).set(authHeaders).expect(200);
    expect(task.body.job_id).toBe(res.body.job_id);
  });
});

describe('?wait= with API and worker in different processes (dist/src/main.js)', () => {
  let api: AssayProcess;
  let worker: AssayProcess;

  beforeAll(async () => {
    assertBuilt();
    const prefix = testEnv().REDIS_PREFIX;
    // The API first: it applies the migrations before the worker starts.
    api = await startAssay(testEnv({ ASSAY_ROLE: 'api', REDIS_PREFIX: prefix }));
    worker = await startAssay(testEnv({ ASSAY_ROLE: 'worker', REDIS_PREFIX: prefix }));
  });
  afterAll(async () => {
    await killAll();
  });

  const create = (query: string, body: object) =>
    request(api.url).post(`/api/v1/tasks/create/diagnostic${query}`).set(authHeaders).send(body);

  it('the end announced by the worker process wakes the waiting request at once', async () => {
    await withOutput([api, worker], async () => {
      // Warm-up: the first wait of a process subscribes to the channel.
      await create('?wait=10', {}).expect(200);
      const { value: res, ms } = await timed(() =>
        create('?wait=10', { sleep_ms: 300, stages: ['a'] }).expect(200),
      );
      expect(res.body).toMatchObject({
        status: 'completed',
        assay_status: 'succeeded',
        result: { ok: true, stages: [{ name: 'a', ran_on_attempt: 1 }] },
      });
      // The fallback read comes only after 5 s: the announcement crossed the processes.
      expect(ms).toBeLessThan(3000);
    });
  });

  it('a slow task with ?wait=1 answers the usual way after about 1 s', async () => {
    await withOutput([api, worker], async () => {
      const { value: res, ms } = await timed(() =>
        create('?wait=1', { sleep_ms: 5000 }).expect(200),
      );
      expect(res.body.status).toBe('scheduled');
      expect(res.headers.location).toBe(`/api/v1/tasks/${res.body.job_id}/status`);
      expect(res.headers['retry-after']).toMatch(/^\d+$/);
      expect(ms).toBeGreaterThanOrEqual(950);
      expect(ms).toBeLessThan(4000);
      const status: Json = (
        await request(api.url).get(res.headers.location).set(authHeaders).expect(200)
      ).body;
      expect(['scheduled', 'processing']).toContain(status.status);
    });
  });
});
