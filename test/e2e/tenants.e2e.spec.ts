import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import request from 'supertest';
import { CompanySite, startCompanySite } from '../accounts/company-site-server';
import { startTestApp, TestApp, waitFor } from '../support/test-app';
import { WebhookReceiver } from '../support/webhook-receiver';

type Json = Record<string, any>;

const OPERATOR = `operator-key-${randomBytes(8).toString('hex')}`;
const KEY_A = `tenant-a-key-${randomBytes(8).toString('hex')}`;
const KEY_B = `tenant-b-key-${randomBytes(8).toString('hex')}`;
/** Tenant names of this suite alone: the run's database is shared by every suite. */
const TENANT_A = `tenant-a-${randomBytes(4).toString('hex')}`;
const TENANT_B = `tenant-b-${randomBytes(4).toString('hex')}`;
const SECRET = `whsec_${randomBytes(32).toString('base64')}`;

/**
 * Tenants: keys bound to a tenant see and act on that tenant's tasks, accounts, callbacks and
 * costs only — 404 (never 403) for another tenant's ids — while an unbound key is an operator.
 * The route checks are generated from the OpenAPI document: a new /api route without a rule here
 * fails the suite until someone decides how it isolates tenants.
 */
describe('tenant isolation (keys bound to tenants, every /api route)', () => {
  let t: TestApp;
  let site: CompanySite;
  let receiver: WebhookReceiver;
  const http = () => request(t.app.getHttpServer());
  const as = (key: string) => ({ 'x-api-key': key });

  /** Tenant A's resources, created once. */
  const a: Json = {};

  beforeAll(async () => {
    site = await startCompanySite('brightforge-plain');
    receiver = await new WebhookReceiver().start();
    t = await startTestApp({
      ASSAY_API_KEYS: `${OPERATOR},${KEY_A}:${TENANT_A},${KEY_B}:${TENANT_B}`,
      WEB_FETCH_ALLOWED_HOSTS: '127.0.0.1',
      CALLBACK_ALLOWED_HOSTS: '127.0.0.1',
      CALLBACK_SIGNING_SECRET: SECRET,
    });

    // A task with a callback and its own job id, a failed task, and an enriched account.
    const task = await http()
      .post('/api/v1/tasks/create/diagnostic')
      .set(as(KEY_A))
      .send({ sleep_ms: 0, job_id: `ext-a-${randomUUID()}`, callback_url: receiver.url('/a') })
      .expect(200);
    a.taskId = task.body.assay_task_id;
    a.externalId = task.body.job_id;
    const failed = await http()
      .post('/api/v1/tasks/create/diagnostic')
      .set(as(KEY_A))
      .send({ fail_attempts: 5 })
      .expect(200);
    a.failedId = failed.body.job_id;
    const acct = await http()
      .post('/api/v1/tasks/create/account_enhancement')
      .set(as(KEY_A))
      .send({ account_id: 'acct-a-only', website: site.origin })
      .expect(200);
    a.accountTask = acct.body.job_id;
    const final = async (id: string) => {
      const s = await http().get(`/api/v1/tasks/${id}`).set(as(KEY_A)).expect(200);
      return ['succeeded', 'failed'].includes(s.body.status) ? s.body : null;
    };
    await Promise.all(
      [a.taskId, a.failedId, a.accountTask].map((id) => waitFor(() => final(id), id)),
    );
    const deliveries = await waitFor(async () => {
      const r = await http()
        .get(`/api/v1/callbacks?task_id=${a.taskId}`)
        .set(as(KEY_A))
        .expect(200);
      return r.body.items.length ? r.body.items : null;
    }, 'tenant A callback');
    a.deliveryId = deliveries[0].id;
    a.account = (await http().get('/api/v1/accounts/acct-a-only').set(as(KEY_A)).expect(200)).body;
    // A lead of tenant A: read from the site's team page (no vendor, no LLM: keyless).
    const leads = await http()
      .post('/api/v1/leads/generate?wait=60')
      .set(as(KEY_A))
      .send({
        account_id: 'acct-a-only',
        account_data: { name: 'Brightforge', website: site.origin },
        product_data: { persona_role_titles: { buyers: ['Chief Executive Officer'] } },
      })
      .expect(200);
    a.leadId = leads.body.result.structured_leads[0].assay_lead_id;
    // An email job of tenant A (over a lead id of no lead: its task fails NOT_FOUND, no network).
    const emailJob = await http()
      .post('/api/v1/emails/jobs')
      .set(as(KEY_A))
      .send({ lead_ids: [randomUUID()] })
      .expect(201);
    a.emailJobId = emailJob.body.id;
    // A recorded conversation of tenant A (no speech provider here: it ends ERROR, still A's),
    // and A's user profile.
    a.interactionUser = `user-a-${randomUUID().slice(0, 8)}`;
    const conv = await http()
      .post('/api/v1/interactions')
      .set(as(KEY_A))
      .field('user_id', a.interactionUser)
      .attach('file', join(__dirname, '..', 'fixtures', 'audio', 'two-voices.wav'))
      .expect(202);
    a.interactionId = conv.body.job_id;
    await http()
      .put(`/api/v1/interactions/users/${a.interactionUser}/profile`)
      .set(as(KEY_A))
      .send({ interests: ['robotics'] })
      .expect(200);
    // A research report of tenant A (no LLM here: the activities parsed, a partial report).
    a.researchLeadId = `lead-a-research-${randomUUID().slice(0, 8)}`;
    await http()
      .post('/api/v1/research/linkedin?wait=60')
      .set(as(KEY_A))
      .send({
        lead_id: a.researchLeadId,
        account_id: 'acct-a-only',
        company_name: 'Brightforge',
        person_name: 'Dana Smith',
        person_linkedin_url: 'https://www.linkedin.com/in/dana-smith',
        posts_html: '<ul><li><h2 class="visually-hidden">Feed post number 1</h2>Hello</li></ul>',
        comments_html: null,
        reactions_html: null,
      })
      .expect(200);
    // A custom column of tenant A (defining one calls nothing).
    a.columnId = `col-a-only-${randomUUID().slice(0, 8)}`;
    await http()
      .post('/api/v1/columns')
      .set(as(KEY_A))
      .send({
        column_id: a.columnId,
        question: 'Does this company sell to other businesses?',
        response_type: 'boolean',
        response_config: {},
      })
      .expect(201);
  });
  afterAll(async () => {
    await t?.close();
    await site?.close();
    await receiver?.close();
  });

  /** The value tenant A's resource gives each path parameter, per route. */
  const paramFor = (path: string, name: string): string => {
    if (name === 'task_name') return 'diagnostic';
    if (name === 'job_id') return a.taskId;
    if (path.startsWith('/api/v1/callbacks/')) return a.deliveryId;
    if (path.startsWith('/api/v1/accounts/')) return a.account.id;
    if (path.startsWith('/api/v1/leads/')) return a.leadId;
    if (path.startsWith('/api/v1/emails/jobs/')) return a.emailJobId;
    if (path.startsWith('/api/v1/research/')) return a.researchLeadId;
    if (path.startsWith('/api/v1/interactions/users/')) return a.interactionUser;
    if (/^\/api\/v[12]\/interactions\//.test(path)) return a.interactionId;
    if (path.startsWith('/api/v1/columns/')) return a.columnId;
    if (path.startsWith('/api/v1/providers/')) return 'builtin_web';
    throw new Error(`no tenant isolation rule for parameter {${name}} of ${path}: add one`);
  };

  /**
   * How a tenant-B caller must be answered on each route that names a resource: 404 for tenant
   * data; 403 for operator-only routes. Routes without a path parameter are lists or creates,
   * checked for content below.
   */
  const expectedForB = (method: string, path: string): number | null => {
    if (!/\{[^}]+\}/.test(path)) return null;
    if (path === '/api/v1/tasks/create/{task_name}') return null;
    if (path === '/api/v1/providers/{id}/self-test') return 403;
    if (/^\/api\/v1\/(tasks|callbacks|accounts|leads|emails\/jobs|research|columns)\//.test(path))
      return 404;
    // A profile is per tenant: B writing one for the same user id writes B's own.
    if (method === 'put' && path === '/api/v1/interactions/users/{user_id}/profile') return null;
    if (/^\/api\/v[12]\/interactions\//.test(path)) return 404;
    throw new Error(`no tenant isolation rule for ${method.toUpperCase()} ${path}: add one`);
  };

  const routes = async () => {
    const doc = (await http().get('/docs-json').expect(200)).body as Json;
    const out: Array<{ method: string; path: string }> = [];
    for (const [path, ops] of Object.entries(doc.paths as Json)) {
      if (!path.startsWith('/api/')) continue;
      for (const method of Object.keys(ops)) out.push({ method, path });
    }
    return out;
  };
  const fill = (path: string) =>
    path.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(paramFor(path, name)));

  it('every /api route answers 401 without valid credentials (none, wrong key, malformed schemes)', async () => {
    const all = await routes();
    expect(all.length).toBeGreaterThan(10);
    const wrong: Array<Record<string, string>> = [
      {},
      { 'x-api-key': 'not-a-key-of-this-server-0123456789' },
      { authorization: 'Bearer not-a-key-of-this-server-0123456789' },
      { authorization: 'Bearer' },
      { authorization: 'Bearer ' },
      { authorization: `Token ${KEY_A}` },
      { authorization: KEY_A },
      { authorization: 'Basic !!!not-base64!!!' },
      {
        authorization: `Basic ${Buffer.from('user:wrong-password-0123456789').toString('base64')}`,
      },
      { authorization: 'Bearer a.b.c' },
      { 'x-api-key': '' },
    ];
    for (const r of all) {
      for (const headers of wrong) {
        const res = await (http() as any)[r.method](fill(r.path)).set(headers);
        expect({ route: `${r.method} ${r.path}`, headers, status: res.status }).toEqual({
          route: `${r.method} ${r.path}`,
          headers,
          status: 401,
        });
        expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      }
    }
  });

  it("every /api route naming tenant A's resource answers tenant B 404 (403 for operator-only routes), and changes nothing", async () => {
    const before = (await http().get(`/api/v1/tasks/${a.failedId}`).set(as(OPERATOR))).body;
    for (const r of await routes()) {
      const expected = expectedForB(r.method, r.path);
      if (expected === null) continue;
      const res = await (http() as any)[r.method](fill(r.path)).set(as(KEY_B)).send({});
      expect({ route: `${r.method} ${r.path}`, status: res.status }).toEqual({
        route: `${r.method} ${r.path}`,
        status: expected,
      });
      // Nothing of A's leaks in the answer.
      expect(JSON.stringify(res.body)).not.toContain('acct-a-only');
    }
    // The client's own job id is tenant-scoped too.
    await http()
      .get(`/api/v1/tasks/${encodeURIComponent(a.externalId)}/status`)
      .set(as(KEY_B))
      .expect(404);
    await http().get('/api/v1/accounts/acct-a-only').set(as(KEY_B)).expect(404);
    await http()
      .get(`/api/v1/accounts/${encodeURIComponent(site.origin)}`)
      .set(as(KEY_B))
      .expect(404);
    // B's retry and cancel attempts changed nothing of A's.
    const after = (await http().get(`/api/v1/tasks/${a.failedId}`).set(as(OPERATOR))).body;
    expect(after.status).toBe(before.status);
    expect(after.attempt_number).toBe(before.attempt_number);
  });

  it("tenant A's own routes work, and the operator sees every tenant", async () => {
    await http().get(`/api/v1/tasks/${a.taskId}`).set(as(KEY_A)).expect(200);
    await http()
      .get(`/api/v1/tasks/${encodeURIComponent(a.externalId)}/status`)
      .set(as(KEY_A))
      .expect(200);
    await http().get(`/api/v1/callbacks/${a.deliveryId}`).set(as(KEY_A)).expect(200);
    const op = await http().get(`/api/v1/tasks/${a.taskId}`).set(as(OPERATOR)).expect(200);
    expect(op.body.tenant_id).toBe(TENANT_A);
    await http().get(`/api/v1/callbacks/${a.deliveryId}`).set(as(OPERATOR)).expect(200);
    await http().get('/api/v1/accounts/acct-a-only').set(as(OPERATOR)).expect(200);
    await http().get(`/api/v1/emails/jobs/${a.emailJobId}`).set(as(KEY_A)).expect(200);
    await http().get(`/api/v1/emails/jobs/${a.emailJobId}`).set(as(OPERATOR)).expect(200);
    await http().get(`/api/v1/research/${a.researchLeadId}`).set(as(KEY_A)).expect(200);
    await http().get(`/api/v1/research/${a.researchLeadId}`).set(as(OPERATOR)).expect(200);
    await http().get(`/api/v1/columns/${a.columnId}`).set(as(KEY_A)).expect(200);
    await http().get(`/api/v1/columns/${a.columnId}`).set(as(OPERATOR)).expect(200);
    await http().get(`/api/v1/columns/${a.columnId}/values`).set(as(KEY_A)).expect(200);
  });

  it('lists show a tenant its own items only', async () => {
    const mine = async (key: string, url: string, pick: (b: Json) => string[]) =>
      pick((await http().get(url).set(as(key)).expect(200)).body);
    const taskIds = (b: Json) => b.items.map((i: Json) => i.job_id);
    expect(await mine(KEY_B, '/api/v1/tasks?limit=500', taskIds)).not.toContain(a.taskId);
    expect(await mine(KEY_A, '/api/v1/tasks?limit=500', taskIds)).toContain(a.taskId);
    const failedIds = (b: Json) => (b as Json[]).map((i) => i.job_id);
    expect(await mine(KEY_B, '/api/v1/tasks/failed?limit=1000', failedIds)).not.toContain(
      a.failedId,
    );
    expect(await mine(KEY_A, '/api/v1/tasks/failed?limit=1000', failedIds)).toContain(a.failedId);
    const deliveryIds = (b: Json) => b.items.map((i: Json) => i.id);
    expect(await mine(KEY_B, '/api/v1/callbacks?limit=500', deliveryIds)).not.toContain(
      a.deliveryId,
    );
    expect(await mine(KEY_A, '/api/v1/callbacks?limit=500', deliveryIds)).toContain(a.deliveryId);
    const accountIds = (b: Json) => b.items.map((i: Json) => i.id);
    const byDomain = `/api/v1/accounts?domain=${encodeURIComponent(site.origin)}`;
    expect(await mine(KEY_B, byDomain, accountIds)).toEqual([]);
    expect(await mine(KEY_A, byDomain, accountIds)).toEqual([a.account.id]);
    expect(await mine(KEY_B, '/api/v1/accounts?account_id=acct-a-only', accountIds)).toEqual([]);
    const leadIds = (b: Json) => b.items.map((i: Json) => i.id);
    expect(await mine(KEY_B, '/api/v1/leads?account_id=acct-a-only', leadIds)).toEqual([]);
    expect(await mine(KEY_A, '/api/v1/leads?account_id=acct-a-only', leadIds)).toContain(a.leadId);
    const jobIds = (b: Json) => b.items.map((i: Json) => i.id);
    expect(await mine(KEY_B, '/api/v1/emails/jobs?limit=200', jobIds)).not.toContain(a.emailJobId);
    expect(await mine(KEY_A, '/api/v1/emails/jobs?limit=200', jobIds)).toContain(a.emailJobId);
    const columnIds = (b: Json) => b.items.map((i: Json) => i.column_id);
    expect(await mine(KEY_B, '/api/v1/columns?limit=500', columnIds)).not.toContain(a.columnId);
    expect(await mine(KEY_A, '/api/v1/columns?limit=500', columnIds)).toContain(a.columnId);
    // Costs: a tenant's spend counts its own tasks' calls only (none for B here).
    const spend = (await http().get('/api/v1/providers').set(as(KEY_B)).expect(200)).body as Json[];
    expect(spend.every((p) => p.spend_30d.calls === 0)).toBe(true);
  });

  it('the queue dashboard is for operators', async () => {
    await http().get('/queues/api/queues').set(as(KEY_A)).expect(403);
    await http().get('/queues/api/queues').set(as(OPERATOR)).expect(200);
  });

  it('idempotency keys and stored results are per tenant', async () => {
    const key = `same-key-${randomUUID()}`;
    const create = (k: string) =>
      http()
        .post('/api/v1/tasks/create/diagnostic')
        .set(as(k))
        .set('Idempotency-Key', key)
        .send({ sleep_ms: 0 })
        .expect(200);
    const ra = await create(KEY_A);
    const rb = await create(KEY_B);
    expect(rb.body.job_id).not.toBe(ra.body.job_id);
    expect((await create(KEY_A)).body.job_id).toBe(ra.body.job_id);

    // Tenant B asking for the same account id does not get A's stored result.
    const res = await http()
      .post('/api/v1/tasks/create/account_enhancement')
      .set(as(KEY_B))
      .send({ account_id: 'acct-a-only', website: site.origin })
      .expect(200);
    expect(res.body.reused).toBeUndefined();
  });

  it('the same domain enriched under several ids (and tenants) is readable by each id that asked for it', async () => {
    const enrich = async (key: string, accountId: string) => {
      const res = await http()
        .post('/api/v1/tasks/create/account_enhancement')
        .set(as(key))
        .send({ account_id: accountId, website: site.origin, refresh: true })
        .expect(200);
      await waitFor(async () => {
        const s = await http().get(`/api/v1/tasks/${res.body.job_id}`).set(as(key)).expect(200);
        return s.body.status === 'succeeded' ? s.body : null;
      }, `enrichment as ${accountId}`);
    };
    await enrich(KEY_A, 'acct-a-second');
    await enrich(KEY_B, 'acct-b-1');
    await enrich(OPERATOR, 'acct-op-1');

    const read = async (key: string, id: string) =>
      (await http().get(`/api/v1/accounts/${id}`).set(as(key)).expect(200)).body;
    const first = await read(KEY_A, 'acct-a-only');
    const second = await read(KEY_A, 'acct-a-second');
    expect(second.id).toBe(first.id);
    expect(second.account_id).toBe('acct-a-second');
    expect(first.account_ids).toEqual(['acct-a-only', 'acct-a-second']);
    const b = await read(KEY_B, 'acct-b-1');
    expect(b.id).toBe(first.id);
    // B sees its own ids only (it may use the same names as A: ids are per tenant), and no task of A's.
    expect(b.account_ids).toContain('acct-b-1');
    expect(b.account_ids).not.toContain('acct-a-second');
    const history = (
      await http().get('/api/v1/accounts/acct-b-1/history').set(as(KEY_B)).expect(200)
    ).body;
    expect(history.snapshots.length).toBeGreaterThanOrEqual(4);
    const visibleTasks: string[] = history.snapshots.map((s: Json) => s.task_id).filter(Boolean);
    expect(visibleTasks.length).toBeGreaterThanOrEqual(1);
    expect(visibleTasks).not.toContain(a.accountTask);
    // Nor in the shared profile's provenance, nor in the history's.
    expect(JSON.stringify(b)).not.toContain(a.accountTask);
    expect(JSON.stringify(history)).not.toContain(a.accountTask);
    expect(b.name).toBe(b.processed_data.company_name);
    for (const id of visibleTasks)
      await http().get(`/api/v1/tasks/${id}`).set(as(KEY_B)).expect(200);
    expect((await read(OPERATOR, 'acct-op-1')).id).toBe(first.id);
    await http().get('/api/v1/accounts/acct-b-1').set(as(KEY_A)).expect(404);
  });
});
