import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { authHeaders, startTestApp, TestApp, waitFor } from '../support/test-app';
import { VendorStub } from '../support/vendor-stub';
import { DjangoReceiver } from '../seed-contract/django-receiver';
import { SEED_TYPES } from '../seed-contract/seed-contract';
import { apolloBehaviour, scoreOfTitle } from './apollo-people';
import { TestDnsServer } from '../support/dns-server';
import { apolloEnv, callbackEnv, openaiEnv, startNoDns } from './leads-env';
import { leadLlm, schemaOf } from './llm-reply';

const payload = (accountId: string, extra: Record<string, unknown> = {}) => ({
  account_id: accountId,
  // A domain of its own per run: vendor answers are cached by their request across tasks.
  account_data: { name: 'Globex', website: `https://globex-${randomUUID().slice(0, 8)}.example/` },
  product_data: {
    name: `Pipeline Copilot ${randomUUID().slice(0, 6)}`,
    description: 'AI that drafts follow-ups for sales teams',
    persona_role_titles: {
      buyers: ['VP of Sales', 'Chief Revenue Officer'],
      influencers: ['Sales Operations Manager'],
      end_users: ['Account Executive'],
    },
  },
  ...extra,
});

/**
 * lead_identification_apollo with Apollo (a local stub answering its documented shapes) and an
 * LLM: the seed payload → stored leads → the seed's paginated callbacks (pages of 20 leads joined
 * on id, each a full envelope with `pagination`), as a seed client reads them.
 */
describe('lead generation with Apollo: paginated callbacks', () => {
  let t: TestApp;
  let apollo: VendorStub;
  let openai: VendorStub;
  let django: DjangoReceiver;
  let dns: TestDnsServer;
  let people = 0;

  beforeAll(async () => {
    apollo = await VendorStub.start(apolloBehaviour(() => people) as never);
    openai = await VendorStub.start(leadLlm({ score: (l) => scoreOfTitle(l.title) }) as never);
    const callbacks = callbackEnv();
    django = await new DjangoReceiver(callbacks.CALLBACK_SIGNING_SECRET, null).start();
    dns = await startNoDns();
    t = await startTestApp({
      ...apolloEnv(apollo),
      ...openaiEnv(openai),
      ...callbacks,
      // No people at Apollo: the site is tried next; its lookup stays on loopback.
      OUTBOUND_DNS_SERVERS: dns.address,
    });
  });
  afterAll(async () => {
    await t?.close();
    await apollo?.close();
    await openai?.close();
    await django?.close();
    await dns?.close();
  });

  async function run(n: number) {
    people = n;
    const accountId = `acct-apollo-${randomUUID().slice(0, 8)}`;
    const res = await request(t.app.getHttpServer())
      .post('/api/v1/tasks/create/lead_identification_apollo')
      .set(authHeaders)
      .send({ ...payload(accountId), callback_url: django.url })
      .expect(200);
    const jobId = res.body.job_id as string;
    const finals = () => django.of(jobId).filter((b) => b.status === 'completed');
    const first = await waitFor(async () => finals()[0], 'the first completed callback');
    const pages = first.pagination
      ? await waitFor(
          async () => (finals().length === first.pagination.total_pages ? finals() : null),
          'every page',
        )
      : [first];
    // Every callback as the seed-contract client (a Django stand-in) checks it: signed, the
    // seed's envelope, and for pages the pagination object.
    expect(django.envelopeProblems(jobId, SEED_TYPES.lead_identification_apollo)).toEqual([]);
    expect(django.rejected).toEqual([]);
    return { accountId, jobId, pages };
  }

  it.each([
    [21, 2],
    [41, 3],
  ])('%i leads arrive in %i pages of at most 20, joined on id', async (n, pageCount) => {
    const { accountId, pages } = await run(n);
    expect(pages).toHaveLength(pageCount);
    const byPage = [...pages].sort((a, b) => a.pagination.page - b.pagination.page);
    const qualified = Array.from({ length: n }, (_, i) => i).filter(
      (i) =>
        scoreOfTitle(
          [
            'VP of Sales',
            'Account Executive',
            'Sales Operations Manager',
            'Office Manager',
            'Chief Revenue Officer',
          ][i % 5],
        ) >= 60,
    ).length;
    byPage.forEach((p, i) => {
      expect(p).toMatchObject({
        account_id: accountId,
        status: 'completed',
        completion_percentage: 100,
        enrichment_type: 'generate_leads',
        source: 'apollo',
        is_partial: false,
        lead_id: null,
        raw_data: null,
        error_details: null,
        pagination: { page: i + 1, total_pages: pageCount, leads_per_page: 20, total_leads: n },
      });
      expect(p).not.toHaveProperty('orchestration_data');
      const chunk = p.pagination.current_chunk;
      expect(chunk.all_leads.length).toBeLessThanOrEqual(20);
      // Each page's lists hold the same leads (by id), and carry the totals on every page.
      const ids = chunk.all_leads.map((l: { id: string }) => l.id);
      expect(chunk.structured_leads.map((l: { id: string }) => l.id)).toEqual(ids);
      expect(p.processed_data.score_distribution.metrics.total_leads).toBe(n);
      expect(p.processed_data.metrics.total_leads_processed).toBe(n);
    });
    const all = byPage.flatMap((p) => p.pagination.current_chunk.all_leads);
    expect(new Set(all.map((l: { id: string }) => l.id)).size).toBe(n);
    expect(byPage.flatMap((p) => p.pagination.current_chunk.qualified_leads)).toHaveLength(
      qualified,
    );
    // Apollo ids are the lead ids (Django joins all_leads and structured_leads on them).
    expect(all.every((l: { id: string }) => /^org-globex-.*-p\d{3}$/.test(l.id))).toBe(true);

    const stored = await request(t.app.getHttpServer())
      .get(`/api/v1/leads?account_id=${accountId}&limit=200`)
      .set(authHeaders)
      .expect(200);
    expect(stored.body.items).toHaveLength(n);
  });

  it('enriches the chosen leads through bulk_match (≤ 10 a call) and keeps the enriched fields with their source', async () => {
    const before = apollo.requests.filter((r) => r.path.includes('bulk_match')).length;
    const { pages } = await run(12);
    const [final] = pages;
    const data = final.processed_data;
    const bulk = apollo.requests.filter((r) => r.path.includes('bulk_match')).slice(before);
    expect(bulk.length).toBeGreaterThan(0);
    for (const r of bulk) expect(r.body.details.length).toBeLessThanOrEqual(10);
    const enriched = data.structured_leads.filter(
      (l: any) => l.enrichment_info.last_enriched_at !== null,
    );
    expect(enriched.length).toBe(data.metrics.enriched_leads);
    const one = enriched[0];
    expect(one.contact_info.email).toMatch(/@globex-.*\.example$/);
    expect(one.last_name).toBe('Smith');
    expect(one.provenance.email).toMatchObject({ source: 'apollo', method: 'api' });
    expect(one.provenance.first_name).toMatchObject({ source: 'apollo' });
    // The role started 3 months ago at another employer: a time signal.
    const evaluated = data.all_leads.find((l: any) => l.id === one.id);
    expect(evaluated.time_signals).toEqual(['New Role: Started 3 months ago']);
    // What the LLM was shown carries no email.
    for (const r of openai.requests.filter((x) => schemaOf(x as never).startsWith('lead_'))) {
      expect(JSON.stringify(r.body)).not.toMatch(/@globex-/);
    }
  });

  it('no people at the account: one completed callback with no leads and the no-leads distribution', async () => {
    const { pages } = await run(0);
    expect(pages).toHaveLength(1);
    expect(pages[0]).not.toHaveProperty('pagination');
    expect(pages[0].processed_data).toMatchObject({
      structured_leads: [],
      all_leads: [],
      qualified_leads: [],
    });
    expect(pages[0].processed_data.score_distribution).not.toHaveProperty('statistics');
  });
});

describe('lead generation: a retry resumes after the last finished stage', () => {
  let t: TestApp;
  let apollo: VendorStub;
  let openai: VendorStub;
  let llmDown = true;

  beforeAll(async () => {
    apollo = await VendorStub.start(apolloBehaviour(() => 8) as never);
    const llm = leadLlm({ score: (l) => scoreOfTitle(l.title) });
    openai = await VendorStub.start(((req: any) =>
      llmDown && schemaOf(req) === 'lead_evaluation'
        ? { status: 503, json: { error: { message: 'overloaded' } } }
        : llm(req)) as never);
    t = await startTestApp({
      ...apolloEnv(apollo),
      ...openaiEnv(openai),
      // Time to see the first attempt fail before the retry starts; the LLM's breaker (opened by
      // the 503s) half-opens before it.
      TASK_BACKOFF_BASE_MS: '3000',
      PROVIDER_BREAKER_HALF_OPEN_MS: '2000',
    });
  });
  afterAll(async () => {
    await t?.close();
    await apollo?.close();
    await openai?.close();
  });

  it('the LLM down at the final evaluation: the retry re-buys neither the search, the pre-evaluation nor the enrichment', async () => {
    const res = await request(t.app.getHttpServer())
      .post('/api/v1/leads/generate')
      .set(authHeaders)
      .send(payload(`acct-retry-${randomUUID().slice(0, 8)}`))
      .expect(202);
    const jobId = res.body.job_id as string;
    const task = () =>
      request(t.app.getHttpServer()).get(`/api/v1/tasks/${jobId}`).set(authHeaders);
    await waitFor(async () => {
      const b = (await task()).body;
      return b.error && b.status !== 'running' ? b : null;
    }, 'the first attempt to fail');
    const paidBefore = apollo.requests.length;
    const preBefore = openai.requests.filter(
      (r) => schemaOf(r as never) === 'lead_pre_evaluation',
    ).length;
    llmDown = false;
    const done = await waitFor(async () => {
      const b = (await task()).body;
      return b.status === 'succeeded' || b.status === 'failed' ? b : null;
    }, 'the retry to finish');
    expect(done.status === 'succeeded' ? 'succeeded' : done.error).toBe('succeeded');
    // Attempt 2 may still meet the LLM's breaker open (backoff has jitter); a later one succeeds.
    expect(done.attempt_number).toBeGreaterThanOrEqual(2);
    expect(apollo.requests.length).toBe(paidBefore);
    expect(
      openai.requests.filter((r) => schemaOf(r as never) === 'lead_pre_evaluation'),
    ).toHaveLength(preBefore);
    expect(done.result.all_leads).toHaveLength(8);
    expect(done.result.all_leads.every((l: any) => l.method === 'llm')).toBe(true);
  });
});
