import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { ChatRequest, schemaOf } from '../leads/llm-reply';
import { openaiEnv } from '../leads/leads-env';
import { authHeaders, startTestApp, TestApp, waitFor } from '../support/test-app';
import { fixture as vendorFixture, VendorStub } from '../support/vendor-stub';
import { CAPTURED_AT, fixture, PERSON_URL } from './activity-fixtures';
import { idsIn, researchLlm } from './research-llm';

type Json = Record<string, any>;

const payload = (leadId: string): Json => ({
  lead_id: leadId,
  account_id: `acct-${leadId}`,
  company_name: 'Acme Corp',
  person_name: 'Jane Doe',
  person_linkedin_url: PERSON_URL,
  posts_html: fixture('posts-original.html'),
  comments_html: null,
  reactions_html: fixture('reactions-tab.html'),
  captured_at: CAPTURED_AT.toISOString(),
});

async function finished(t: TestApp, body: Json): Promise<Json> {
  const res = await request(t.app.getHttpServer())
    .post('/api/v1/research/linkedin')
    .set(authHeaders)
    .send(body)
    .expect(202);
  return waitFor(async () => {
    const d = (
      await request(t.app.getHttpServer()).get(`/api/v1/tasks/${res.body.job_id}`).set(authHeaders)
    ).body;
    return ['succeeded', 'failed'].includes(d.status) ? d : undefined;
  }, 'the research task');
}

/** Without an LLM: the activities parsed, a partial result that says why, nothing invented. */
describe('LinkedIn research without an LLM', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({});
  });
  afterAll(() => t?.close());

  it('completes with the parsed activities, no report, and LLM_NOT_CONFIGURED', async () => {
    const leadId = `lead-nollm-${randomUUID().slice(0, 8)}`;
    const done = await finished(t, payload(leadId));
    expect(done.status).toBe('succeeded');
    const r = done.result;
    expect(r.insights).toBeNull();
    expect(r.partial_reason).toMatchObject({ code: 'LLM_NOT_CONFIGURED' });
    expect(r.content_details).toHaveLength(8);
    for (const d of r.content_details) {
      expect(['started', 'failed_stale_publish_date']).toContain(d.processing_status);
      expect(d.detailed_summary).toBeNull();
      expect(d.provenance.analysed_by).toBeNull();
    }
    // What the parser gives is there: dates, authors, counts.
    expect(r.content_details[0]).toMatchObject({
      id: 'posts-1',
      author: 'Jane Doe',
      publish_date_readable_str: '29 November, 2026',
    });
    const stored = (
      await request(t.app.getHttpServer())
        .get(`/api/v1/research/${leadId}`)
        .set(authHeaders)
        .expect(200)
    ).body;
    expect(stored.latest.partial_reason.code).toBe('LLM_NOT_CONFIGURED');
  });
});

/**
 * An LLM that answers one batch with malformed JSON (even after the repair request), and rate
 * limits the report once: that batch's activities stay unanalysed with the reason, the others
 * are analysed; the rate limit is waited out and the report written.
 */
describe('LinkedIn research with a failing LLM', () => {
  let t: TestApp;
  let openai: VendorStub;
  let limited = 0;
  const good = researchLlm({
    companyIds: [],
    colleague: () => 'x',
    product: 'x',
    oldId: 'none',
  });
  beforeAll(async () => {
    openai = await VendorStub.start(((req: ChatRequest) => {
      const ids = idsIn(req);
      if (schemaOf(req) === 'activity_analysis' && ids.every((id) => id.startsWith('posts-'))) {
        // A refusal, as OpenAI sends one.
        const body = vendorFixture('openai', 'chat-web-search');
        body.choices[0].message.content = null;
        body.choices[0].message.refusal = "I can't help with profiling this person.";
        return { json: body };
      }
      if (schemaOf(req) === 'activity_analysis' && idsIn(req).includes('reactions-1')) {
        const body = vendorFixture('openai', 'chat-web-search');
        body.choices[0].message.content = '{"activities": [ {"id": "reactions-1", "detailed_';
        return { json: body };
      }
      if (schemaOf(req) === 'lead_research_insights' && limited++ === 0) {
        return {
          status: 429,
          headers: { 'retry-after': '0' },
          json: { error: { message: 'slow down' } },
        };
      }
      return good(req);
    }) as never);
    t = await startTestApp({ ...openaiEnv(openai), OPENAI_RETRY_MAX_ATTEMPTS: '1' });
  });
  afterAll(async () => {
    await t?.close();
    await openai?.close();
  });

  it('an unreadable batch leaves its activities unanalysed with the reason; a rate limit is waited out', async () => {
    // refresh: another suite of this run may have cached good answers to the same prompts.
    const done = await finished(t, {
      ...payload(`lead-fail-${randomUUID().slice(0, 8)}`),
      refresh: true,
    });
    expect(done.error).toBeNull();
    expect(done.status).toBe('succeeded');
    const byStatus = (s: string) =>
      done.result.content_details.filter((d: Json) => d.processing_status === s);
    // 3 posts + 5 reactions, one of them stale: batches of 5 → posts 1–3 + reactions 1–2, then 3 and 5.
    expect(byStatus('started').map((d: Json) => d.id)).toEqual([
      'posts-1',
      'posts-2',
      'posts-3',
      'reactions-1',
      'reactions-2',
    ]);
    for (const d of byStatus('started')) expect(d.analysis_error).toMatch(/JSON|schema/i);
    expect(byStatus('complete').map((d: Json) => d.id)).toEqual(['reactions-3', 'reactions-5']);
    expect(done.result.insights).not.toBeNull();
    expect(limited).toBeGreaterThanOrEqual(2);
  });

  it('a refusal is final for its batch: no retry, the activities keep the reason, no report', async () => {
    const before = openai.requests.length;
    const done = await finished(t, {
      ...payload(`lead-refused-${randomUUID().slice(0, 8)}`),
      reactions_html: null,
      refresh: true,
    });
    expect(done.status).toBe('succeeded');
    expect(done.attempt_number).toBe(1);
    const details = done.result.content_details;
    expect(details.map((d: Json) => d.processing_status)).toEqual([
      'started',
      'started',
      'started',
    ]);
    for (const d of details) expect(d.analysis_error).toMatch(/refused/);
    expect(done.result.insights).toBeNull();
    // One call, and the repair request (a refusal is not retried by the task).
    expect(openai.requests.length - before).toBeLessThanOrEqual(2);
  });
});
