import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { WebhookReceiver } from '../support/webhook-receiver';
import { authHeaders, startTestApp, TestApp, waitFor } from '../support/test-app';
import { VendorStub } from '../support/vendor-stub';
import { callbackEnv, openaiEnv, startNoDns } from './leads-env';
import { leadLlm, schemaOf } from './llm-reply';
import { readFileSync } from 'node:fs';
import { TestDnsServer } from '../support/dns-server';
import { fileFor, loadTeamSite } from '../providers/builtin-web/team-sites';
import { startSite, TestSite } from '../providers/builtin-web/web-test-servers';

const CALLBACK_PATH = '/api/v2/internal/enrichment-callback/';

const product = {
  name: 'Pipeline Copilot',
  description: 'AI that drafts follow-ups for sales teams',
  icp_description: 'B2B SaaS with 50-500 employees',
  persona_role_titles: {
    buyers: ['VP of Sales', 'Chief Revenue Officer'],
    influencers: ['Sales Operations Manager'],
    end_users: ['Account Executive'],
  },
  additional_lead_signals: 'Hiring SDRs',
};

const seedPayload = (accountId: string, domain: string, extra: Record<string, unknown> = {}) => ({
  account_id: accountId,
  account_data: { name: 'Globex', website: `https://www.${domain}/` },
  product_data: product,
  tenant_id: undefined,
  ...extra,
});

/**
 * lead_identification_apollo through the seed route, with no people vendor: the people come from
 * an LLM web search (OpenAI-compatible stub), are evaluated by it, stored, listed, and reported in
 * the seed's callbacks.
 */
describe('lead generation without a people vendor (LLM only)', () => {
  let t: TestApp;
  let openai: VendorStub;
  let receiver: WebhookReceiver;
  let dns: TestDnsServer;
  const people = [
    { name: 'Dana Reyes', title: 'VP of Sales', source_url: 'https://globex.example/team' },
    { name: 'Sam Ortiz', title: 'Account Executive', source_url: 'https://globex.example/team' },
    { name: 'Lee Park', title: 'Office Manager', source_url: 'https://news.example/globex' },
  ];
  const scores: Record<string, number> = {
    'VP of Sales': 88,
    'Account Executive': 64,
    'Office Manager': 12,
  };

  beforeAll(async () => {
    openai = await VendorStub.start(
      leadLlm({ people, score: (l) => scores[l.title ?? ''] ?? 0 }) as never,
    );
    receiver = await new WebhookReceiver().start();
    dns = await startNoDns();
    t = await startTestApp({
      ...openaiEnv(openai),
      ...callbackEnv(),
      OUTBOUND_DNS_SERVERS: dns.address,
    });
  });
  afterAll(async () => {
    await t?.close();
    await openai?.close();
    await receiver?.close();
    await dns?.close();
  });

  it('finds people by web search, scores them, stores them and reports as the seed did', async () => {
    const accountId = `acct-leads-${randomUUID().slice(0, 8)}`;
    const domain = `globex-${randomUUID().slice(0, 6)}.com`;
    const res = await request(t.app.getHttpServer())
      .post('/api/v1/tasks/create/lead_identification_apollo')
      .set(authHeaders)
      .send({ ...seedPayload(accountId, domain), callback_url: receiver.url(CALLBACK_PATH) });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'scheduled',
      task_name: 'lead_identification_apollo',
    });
    const jobId = res.body.job_id as string;

    // The company's own site was tried first (the built-in reader's people.search): no such name.
    const completed = await waitFor(
      async () =>
        receiver
          .on(CALLBACK_PATH)
          .find((r) => r.body.job_id === jobId && r.body.status === 'completed'),
      'the completed callback',
    );
    const mine = receiver.on(CALLBACK_PATH).filter((r) => r.body.job_id === jobId);
    const progress = mine.filter((r) => r.body.status === 'processing').map((r) => r.body as any);
    expect(progress.map((p) => [p.completion_percentage, p.processed_data])).toEqual([
      [10, { stage: 'initialization' }],
      [30, { stage: 'fetching_employees', employees_found: 3 }],
    ]);
    expect(progress[0]).toMatchObject({
      account_id: accountId,
      enrichment_type: 'generate_leads',
      source: 'apollo',
    });

    expect(dns.queries.map((q) => q.name)).toContain(domain);
    const data = completed.body.processed_data as any;
    expect(completed.body).toMatchObject({
      account_id: accountId,
      enrichment_type: 'generate_leads',
      source: 'apollo',
      completion_percentage: 100,
    });
    expect(completed.body).not.toHaveProperty('pagination');
    expect(data.all_leads.map((l: { fit_score: number }) => l.fit_score)).toEqual([88, 64, 12]);
    expect(data.qualified_leads.map((l: { fit_score: number }) => l.fit_score)).toEqual([88, 64]);
    expect(data.structured_leads.map((l: { name: string }) => l.name)).toEqual([
      'Dana Reyes',
      'Sam Ortiz',
      'Lee Park',
    ]);
    // The leads join on id across the lists, as Django reads them.
    expect(data.structured_leads.map((l: { id: string }) => l.id)).toEqual(
      data.all_leads.map((l: { id: string }) => l.id),
    );
    const top = data.all_leads[0];
    expect(top).toMatchObject({
      persona_match: 'buyer',
      method: 'llm',
      rationale: expect.stringContaining('VP of Sales'),
      recommended_approach: 'Open with the pipeline report.',
    });
    const dana = data.structured_leads[0];
    expect(dana.current_employment.title).toBe('VP of Sales');
    expect(dana.provenance.name).toMatchObject({
      method: 'llm',
      evidence: expect.arrayContaining(['https://globex.example/team']),
    });
    expect(data.score_distribution).toMatchObject({
      distribution: { excellent: 1, good: 1, moderate: 0, low: 1 },
      metrics: { total_leads: 3, qualified_leads: 2, median_score: 64 },
    });
    expect(data.metrics).toMatchObject({
      total_leads_processed: 3,
      successful_leads: 3,
      failed_leads: 0,
      ai_errors: 0,
      api_errors: 0,
      enriched_leads: 0,
    });

    // Stored: listed by account, filtered by score and persona, with provenance.
    const list = await request(t.app.getHttpServer())
      .get(`/api/v1/leads?account_id=${accountId}&min_score=60&persona=buyer`)
      .set(authHeaders)
      .expect(200);
    expect(list.body.items.map((l: { name: string }) => l.name).sort()).toEqual([
      'Dana Reyes',
      'Sam Ortiz',
    ]);
    const one = await request(t.app.getHttpServer())
      .get(`/api/v1/leads/${dana.assay_lead_id}`)
      .set(authHeaders)
      .expect(200);
    expect(one.body).toMatchObject({
      name: 'Dana Reyes',
      title: 'VP of Sales',
      evaluation: { fit_score: 88, persona_match: 'buyer', method: 'llm' },
    });
    expect(one.body.evaluations).toHaveLength(1);

    // The seed status route: the job's summary.
    const status = await request(t.app.getHttpServer())
      .get(`/api/v1/tasks/${jobId}/status`)
      .set(authHeaders)
      .expect(200);
    expect(status.body.status).toBe('completed');
  });

  it('a repeat for the same account and product returns the stored result without asking the LLM', async () => {
    const accountId = `acct-leads-${randomUUID().slice(0, 8)}`;
    const domain = `globex-${randomUUID().slice(0, 6)}.com`;
    const first = await request(t.app.getHttpServer())
      .post('/api/v1/leads/generate?wait=60')
      .set(authHeaders)
      .send(seedPayload(accountId, domain))
      .expect(200);
    expect(first.body).toMatchObject({ status: 'succeeded' });
    const calls = openai.requests.length;
    const again = await request(t.app.getHttpServer())
      .post('/api/v1/leads/generate')
      .set(authHeaders)
      .send(seedPayload(accountId, domain))
      .expect(200);
    expect(again.body).toMatchObject({ reused: true });
    expect(openai.requests.length).toBe(calls);
  });

  it('dry run estimates calls and cost without storing or calling anything', async () => {
    const calls = openai.requests.length;
    const res = await request(t.app.getHttpServer())
      .post('/api/v1/leads/generate')
      .set(authHeaders)
      .send({ ...seedPayload('acct-dry', 'globex-dry.com'), dry_run: true, max_people: 100 })
      .expect(200);
    expect(res.body).toMatchObject({ dry_run: true, task_name: 'lead_identification_apollo' });
    expect(res.body.estimate.calls).toBeGreaterThan(0);
    expect(openai.requests.length).toBe(calls);
  });

  it.each([
    [{ account_data: undefined }, 'account_data'],
    [{ product_data: undefined }, 'product_data'],
    [{ account_id: undefined }, 'account_id'],
    [{ account_data: { name: 'Globex' } }, 'account_data.website'],
    [{ account_data: { name: 'Globex', website: 'not a site' } }, 'account_data.website'],
    [{ account_data: { website: 'globex.com' } }, 'account_data.name'],
    [{ product_data: { name: 'x' } }, 'product_data.persona_role_titles'],
    [
      { product_data: { ...product, persona_role_titles: { buyers: 'VP' } } },
      'product_data.persona_role_titles.buyers',
    ],
  ])('refuses %j with a 400 naming %s', async (change, field) => {
    const body = { ...seedPayload('acct-bad', 'globex.com'), ...change };
    for (const path of [
      '/api/v1/tasks/create/lead_identification_apollo',
      '/api/v1/leads/generate',
    ]) {
      const res = await request(t.app.getHttpServer()).post(path).set(authHeaders).send(body);
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body.errors ?? res.body)).toContain(field);
    }
  });

  it('the evaluations the LLM was asked for carry no contact details', () => {
    const evals = openai.requests.filter((r) => schemaOf(r as never).startsWith('lead_'));
    expect(evals.length).toBeGreaterThan(0);
    for (const r of evals) expect(JSON.stringify(r.body)).not.toMatch(/@|\+1\d{6,}/);
  });
});

describe('lead generation with no people provider and no LLM', () => {
  let t: TestApp;
  let dns: TestDnsServer;
  let site: TestSite;
  const orbit = loadTeamSite('orbit-leadership');
  beforeAll(async () => {
    dns = await startNoDns();
    site = await startSite(['127.0.0.1'], (req, res) => {
      const file = fileFor(orbit.dir, (req.url ?? '/').split('?')[0]);
      if (!file)
        return res.writeHead(404, { 'content-type': 'text/html' }).end('<h1>Not found</h1>');
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(readFileSync(file));
    });
    t = await startTestApp({
      OUTBOUND_DNS_SERVERS: dns.address,
      WEB_FETCH_ALLOWED_HOSTS: '127.0.0.1',
    });
  });
  afterAll(async () => {
    await t?.close();
    await dns?.close();
    await site?.close();
  });

  it("keyless: people from the company's own leadership page, scored by the transparent rules", async () => {
    const accountId = `acct-orbit-${randomUUID().slice(0, 8)}`;
    const res = await request(t.app.getHttpServer())
      .post('/api/v1/leads/generate?wait=60')
      .set(authHeaders)
      .send({
        account_id: accountId,
        account_data: { name: 'Orbit', website: `${site.origin}/` },
        product_data: {
          name: `Contract AI ${randomUUID().slice(0, 6)}`,
          persona_role_titles: {
            buyers: ['General Counsel', 'Chief Executive Officer'],
            influencers: ['Chief Technology Officer'],
          },
        },
      })
      .expect(200);
    expect(res.body.status).toBe('succeeded');
    const data = res.body.result;
    const names = data.structured_leads.map((l: { name: string }) => l.name);
    expect(names.sort()).toEqual(orbit.people.map((p) => p.name).sort());
    for (const n of orbit.not_staff) expect(names).not.toContain(n);
    const counsel = data.structured_leads.find((l: any) => l.name === 'Benjamin Cho');
    expect(counsel.current_employment.title).toBe('General Counsel');
    expect(counsel.provenance.title).toMatchObject({
      method: 'scrape',
      evidence: [expect.stringContaining(site.origin)],
    });
    const top = data.all_leads[0];
    expect(top).toMatchObject({ method: 'rules', persona_match: 'buyer' });
    expect(data.all_leads.every((l: any) => l.method === 'rules')).toBe(true);
    expect(data.all_leads.find((l: any) => l.id === counsel.id).persona_match).toBe('buyer');
  });

  it('completes with no leads and the seed no-leads score distribution', async () => {
    const res = await request(t.app.getHttpServer())
      .post('/api/v1/leads/generate?wait=60')
      .set(authHeaders)
      .send(seedPayload(`acct-none-${randomUUID().slice(0, 8)}`, 'globex-none.com'))
      .expect(200);
    expect(res.body.status).toBe('succeeded');
    const data = res.body.result;
    expect(data).toMatchObject({ structured_leads: [], all_leads: [], qualified_leads: [] });
    expect(data.score_distribution).not.toHaveProperty('statistics');
    expect(Object.keys(data.score_distribution.metrics)).toHaveLength(3);
  });
});
