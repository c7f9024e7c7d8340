import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { callbackEnv, openaiEnv } from '../leads/leads-env';
import { DjangoReceiver } from '../seed-contract/django-receiver';
import { SEED_TYPES } from '../seed-contract/seed-contract';
import { authHeaders, startTestApp, TestApp, waitFor } from '../support/test-app';
import { VendorStub } from '../support/vendor-stub';
import { CAPTURED_AT, fixture, PERSON_URL } from './activity-fixtures';
import { idsIn, researchLlm } from './research-llm';

type Json = Record<string, any>;

/**
 * lead_linkedin_research end to end: Django's payload on the seed route → the captures parsed,
 * the recent activities analysed by an OpenAI-compatible stub in batches, the report written
 * with its citations checked → the seed's callbacks (10/30/60 %, then completed with
 * content_details and insights), the report stored per lead; a repeat is served from the stored
 * result; bad payloads are 400s naming the keys; the typed route and its dry run.
 */
describe('LinkedIn research', () => {
  let t: TestApp;
  let openai: VendorStub;
  let django: DjangoReceiver;
  const http = () => request(t.app.getHttpServer());
  const companyIds = ['posts-1', 'posts-2', 'reactions-2'];

  beforeAll(async () => {
    openai = await VendorStub.start(
      researchLlm({
        companyIds,
        colleague: (id) => (id === 'reactions-2' ? 'Sam Lee' : 'Priya Patel'),
        product: 'Acme Pipeline',
        oldId: 'comments-2',
      }) as never,
    );
    const callbacks = callbackEnv();
    django = await new DjangoReceiver(callbacks.CALLBACK_SIGNING_SECRET, null).start();
    t = await startTestApp({ ...openaiEnv(openai), ...callbacks, CALLBACK_URL: django.url });
  });
  afterAll(async () => {
    await t?.close();
    await django?.close();
    await openai?.close();
  });

  const payload = (leadId: string): Json => ({
    lead_id: leadId,
    account_id: `acct-${leadId}`,
    company_name: 'Acme Corp',
    person_name: 'Jane Doe',
    person_linkedin_url: PERSON_URL,
    posts_html: fixture('posts-original.html'),
    comments_html: fixture('comments-tab.html'),
    reactions_html: fixture('reactions-tab.html'),
    job_id: `linkedin_research_${leadId}`,
    origin: 'api',
    user_id: 'user-7',
    captured_at: CAPTURED_AT.toISOString(),
    input_data: {
      lead_data: { name: 'Jane Doe', headline: 'VP Sales at Acme Corp' },
      account_data: { name: 'Acme Corp', industry: 'Software' },
      product_data: { name: 'Forecastly', description: 'Pipeline forecasting for RevOps' },
    },
  });

  it("takes Django's payload and calls back as the seed: parsed, analysed, reported, stored", async () => {
    const leadId = `lead-${randomUUID().slice(0, 8)}`;
    const before = openai.requests.length;
    const res = await http()
      .post('/api/v1/tasks/create/lead_linkedin_research')
      .set(authHeaders)
      .send(payload(leadId))
      .expect(200);
    expect(res.body).toMatchObject({
      status: 'scheduled',
      job_id: `linkedin_research_${leadId}`,
      task_name: 'lead_linkedin_research',
    });
    const jobId = res.body.job_id as string;
    const end = await waitFor(
      async () => django.of(jobId).find((b) => b.status !== 'processing'),
      'the completed callback',
    );
    expect(django.envelopeProblems(jobId, SEED_TYPES.lead_linkedin_research)).toEqual([]);
    expect(django.rejected).toEqual([]);
    const progress = django
      .of(jobId)
      .filter((b) => b.status === 'processing')
      .map((b) => [b.completion_percentage, b.processed_data]);
    // 10 activities in the three captures; the 2-year-old reaction is not analysed.
    expect(progress).toEqual([
      [10, { stage: 'initialization' }],
      [30, { stage: 'activity_parsing', activities_found: 10 }],
      [60, { stage: 'content_processing', content_processed: 9 }],
    ]);
    expect(end).toMatchObject({
      status: 'completed',
      completion_percentage: 100,
      account_id: `acct-${leadId}`,
      lead_id: leadId,
      source: 'linkedin',
      enrichment_type: 'lead_linkedin_research',
    });

    // Two analysis batches (5 + 4 activities) and one report.
    const calls = openai.requests.slice(before);
    expect(calls.map((r) => (r.body as Json).response_format.json_schema.name)).toEqual(
      expect.arrayContaining(['activity_analysis', 'activity_analysis', 'lead_research_insights']),
    );
    expect(calls).toHaveLength(3);
    expect(calls.flatMap((r) => idsIn(r as never)).filter((id) => id === 'reactions-4')).toEqual(
      [],
    );

    const { content_details: details, insights } = end.processed_data;
    expect(details).toHaveLength(10);
    const byId = Object.fromEntries(details.map((d: Json) => [d.id, d]));
    expect(byId['posts-1']).toMatchObject({
      linkedin_activity_ref_id: 'posts-1',
      linkedin_activity_type: 'post',
      processing_status: 'complete',
      person_name: 'Jane Doe',
      company_name: 'Acme Corp',
      publish_date: '2026-11-29T10:00:00',
      publish_date_readable_str: '29 November, 2026',
      author: 'Jane Doe',
      author_type: 'person',
      category: 'company_news',
      focus_on_company: true,
      main_colleague: 'Priya Patel',
      product_associations: ['Acme Pipeline'],
      concise_summary: 'Concise summary of posts-1.',
      provenance: { source: 'linkedin_activity_capture', analysed_by: { provider: 'openai' } },
    });
    expect(byId['posts-1'].openai_tokens_used.total_tokens).toBeGreaterThan(0);
    expect(byId['comments-1']).toMatchObject({
      linkedin_activity_type: 'comment',
      author: 'Priya Patel',
      focus_on_company: false,
      main_colleague: null,
      product_associations: [],
    });
    expect(byId['reactions-4']).toMatchObject({
      processing_status: 'failed_stale_publish_date',
      detailed_summary: null,
      category: null,
      publish_date: '2024-12-02T10:00:00',
    });

    // The report: citations of activities that do not exist are gone, and claims resting only on
    // them; the signal resting on an 11-month-old comment is dropped; counts and ranks in code.
    expect(insights.personality_traits.activity_ids).not.toContain('posts-999');
    expect(insights.areas_of_interest.map((a: Json) => a.description)).toEqual([
      'Revenue operations',
      'Hiring',
    ]);
    expect(insights.personalization_signals.map((s: Json) => s.description)).toEqual([
      'Recent pipeline post',
    ]);
    expect(insights.engaged_colleagues).toEqual(['Priya Patel', 'Sam Lee']);
    expect(insights.engaged_products).toEqual(['Acme Pipeline']);
    expect(insights.total_engaged_activities).toBe(10);
    expect(insights.num_company_related_activities).toBe(3);
    expect(insights.personalized_emails.map((e: Json) => e.email_subject)).toEqual([
      'Your Q3 numbers',
      'Hiring',
      'Fourth',
    ]);
    for (const e of insights.personalized_emails) {
      expect(e.activity_ids.every((id: string) => byId[id])).toBe(true);
      expect(e.highlight_url).toEqual(expect.any(String));
    }
    expect(insights.total_tokens_used.total_tokens).toBeGreaterThan(0);
    expect(insights.generated_by.provider).toBe('openai');

    // Stored for the lead; the status route carries the seed's summary.
    const stored = (await http().get(`/api/v1/research/${leadId}`).set(authHeaders).expect(200))
      .body;
    expect(stored.latest).toMatchObject({ lead_id: leadId, activities: 10, analysed: 9 });
    expect(stored.latest.insights.areas_of_interest).toHaveLength(2);
    expect(stored.history).toHaveLength(1);
    const status = (await http().get(`/api/v1/tasks/${jobId}/status`).set(authHeaders).expect(200))
      .body;
    expect(status.status).toBe('completed');

    // The same lead and captures again: the stored result, no LLM call.
    const calls2 = openai.requests.length;
    const again = await http()
      .post('/api/v1/tasks/create/lead_linkedin_research')
      .set(authHeaders)
      .send({ ...payload(leadId), job_id: `linkedin_research_${leadId}_again` })
      .expect(200);
    await waitFor(
      async () => django.of(again.body.job_id).find((b) => b.status === 'completed'),
      'the reused result',
    );
    expect(openai.requests.length).toBe(calls2);
  });

  it.each([
    ['person_name', 'person_name'],
    ['posts_html', 'posts_html'],
    ['lead_id', 'lead_id'],
  ])('a payload without %s is a 400 naming it, nothing created', async (key, field) => {
    const body = payload(`lead-bad-${randomUUID().slice(0, 6)}`);
    delete body[key];
    const res = await http()
      .post('/api/v1/tasks/create/lead_linkedin_research')
      .set(authHeaders)
      .send(body);
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: Json) => e.field)).toContain(field);
  });

  it('captures may be null (a tab not captured); the typed route answers 202 and prices a dry run', async () => {
    const leadId = `lead-typed-${randomUUID().slice(0, 8)}`;
    const dry = await http()
      .post('/api/v1/research/linkedin')
      .set(authHeaders)
      .send({ ...payload(leadId), comments_html: null, reactions_html: null, dry_run: true })
      .expect(200);
    // 3 posts: one analysis call and the report.
    expect(dry.body.estimate).toMatchObject({ calls: 2, cost_min_usd: 0 });
    expect(dry.body.estimate.cost_max_usd).toBeGreaterThan(0);
    const res = await http()
      .post('/api/v1/research/linkedin')
      .set(authHeaders)
      .send({ ...payload(leadId), comments_html: null, reactions_html: 'null', job_id: undefined })
      .expect(202);
    const done = await waitFor(async () => {
      const d = (await http().get(`/api/v1/tasks/${res.body.job_id}`).set(authHeaders)).body;
      return d.status === 'succeeded' ? d : undefined;
    }, 'the typed task');
    expect(done.result.content_details).toHaveLength(3);
    await http().get('/api/v1/research/no-such-lead').set(authHeaders).expect(404);
  });
});
