import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { knownFactsText, summaryPrompt } from '../../src/modules/accounts/account-llm';
import type { AccountEnhancementProcessedData } from '../../src/modules/accounts/extraction';
import { authHeaders, startTestApp, TestApp, waitFor } from '../support/test-app';
import { builtWithAnswer } from '../support/builtwith-answer';
import { fixture, VendorStub } from '../support/vendor-stub';
import { CompanySite, startCompanySite } from './company-site-server';

/*
 * An identical re-run of account_enhancement must not pay the LLM again: with every vendor
 * answer and every page a cache hit, each prompt must be byte-for-byte the one of the first run.
 * The summary prompt carries the facts merged so far (vendors included); two things made it
 * differ on a re-run, each enough for one new paid call:
 *
 * 1. Key order. A vendor answer read back from the provider cache (Postgres JSONB) has its
 *    object keys in another order than the fresh answer; BuiltWith's `tech_profile` was
 *    serialised into the prompt as-is.
 * 2. Clock ties. Apollo and Bright Data both answer company profiles at the same precedence and
 *    confidence, so which employee count or industry wins falls to the merge rule's next step,
 *    recency. Each answer was stamped with the wall clock when it came back: Bright Data (asked
 *    second) won on a first run, but on a re-run the two cached answers came back within the
 *    same millisecond, tied, and Apollo won by input order.
 */

const LLM_ANSWERS: Record<string, unknown> = {
  company_profile: {
    name: 'Brightforge Robotics',
    industry: 'Industrial robotics',
    customers: ['Globex'],
    technologies: ['ROS'],
  },
  business_summary: { analysis_summary: '**Brightforge** builds robotic welding cells.' },
  market_intel: {
    competitors: [{ name: 'Path Robotics', urls: ['https://news.example.com/welding-robots'] }],
    customers: [],
    recent_events: [],
  },
};

/** A request to the OpenAI-compatible stub, as far as this test reads it. */
interface LlmRequest {
  body?: { response_format?: { json_schema?: { name?: string } } };
}

function llmReply(req: LlmRequest): { json: unknown } {
  const name: string = req.body?.response_format?.json_schema?.name ?? '';
  const body = fixture('openai', 'chat-web-search');
  body.choices[0].message.content = JSON.stringify(LLM_ANSWERS[name] ?? {});
  body.choices[0].message.annotations = [];
  return { json: body };
}

const schemaOf = (r: LlmRequest): string => r.body?.response_format?.json_schema?.name ?? '?';

/**
 * Runs `fn` with a clock whose `new Date()` stands still (Date.now and dated constructors are
 * untouched): what a fast, cached path looks like at millisecond resolution. Without it the
 * clock-tie failure shows only when the cached answers happen to land in one millisecond.
 */
async function withStillClock<T>(fn: () => Promise<T>): Promise<T> {
  const Real = Date;
  const at = Real.now();
  class StillDate extends Real {
    constructor(...args: unknown[]) {
      if (args.length) super(...(args as [number]));
      else super(at);
    }
    static override [Symbol.hasInstance](x: unknown): boolean {
      return x instanceof Real;
    }
  }
  globalThis.Date = StillDate as DateConstructor;
  try {
    return await fn();
  } finally {
    globalThis.Date = Real;
  }
}

describe('an identical re-run of account_enhancement makes no new LLM call', () => {
  let site: CompanySite;
  let apollo: VendorStub;
  let brightdata: VendorStub;
  let builtwith: VendorStub;
  let openai: VendorStub;
  let t: TestApp;
  let token: string;

  beforeAll(async () => {
    site = await startCompanySite('brightforge-plain');
    // The provider cache is shared by every suite of the run: this test's vendor and LLM inputs
    // (the domain of the site's mailboxes, its LinkedIn page) are its own, so that it neither
    // answers another suite's calls from its cache nor is answered from theirs.
    token = randomUUID().slice(0, 8);
    site.edit = (_file, html) =>
      html
        .replace(/brightforge\.io/g, `brightforge-${token}.io`)
        .replace(/company\/brightforge-robotics/g, `company/brightforge-${token}`);
    [apollo, brightdata, builtwith, openai] = await Promise.all([
      VendorStub.start(),
      VendorStub.start(),
      VendorStub.start(),
      VendorStub.start(),
    ]);
    t = await startTestApp({
      WEB_FETCH_ALLOWED_HOSTS: '127.0.0.1',
      APOLLO_API_KEY: 'apollo-e2e-key-0c1d2e3f',
      APOLLO_BASE_URL: `${apollo.url}/api/v1`,
      BRIGHTDATA_API_KEY: 'brightdata-e2e-key-5e6f7a8b',
      BRIGHTDATA_BASE_URL: brightdata.url,
      BRIGHTDATA_POLL_MS: '1',
      BUILTWITH_API_KEY: 'builtwith-e2e-key-9a8b7c6d',
      BUILTWITH_BASE_URL: builtwith.url,
      OPENAI_BASE_URL: `${openai.url}/v1`,
      OPENAI_API_KEY: 'test-openai-key-e2e',
    });
  });
  afterAll(async () => {
    await t?.close();
    await Promise.all([
      site?.close(),
      apollo?.close(),
      brightdata?.close(),
      builtwith?.close(),
      openai?.close(),
    ]);
  });

  const run = async (accountId: string) => {
    const res = await request(t.app.getHttpServer())
      .post('/api/v1/tasks/create/account_enhancement')
      .set(authHeaders)
      .send({ account_id: accountId, website: site.origin })
      .expect(200);
    const task = await waitFor(async () => {
      const s = (
        await request(t.app.getHttpServer())
          .get(`/api/v1/tasks/${res.body.job_id}`)
          .set(authHeaders)
          .expect(200)
      ).body;
      return ['succeeded', 'failed', 'cancelled'].includes(s.status) ? s : null;
    }, `task ${res.body.job_id} to finish`);
    expect(task.status).toBe('succeeded');
    return task.result.results[0];
  };

  it('the second run (another account_id, same site) is answered from the cache: 0 vendor and 0 LLM requests', async () => {
    apollo.reply({ json: fixture('apollo', 'organization-enrich') });
    brightdata.reply(
      { json: fixture('brightdata', 'trigger') },
      { json: fixture('brightdata', 'progress-ready') },
      { json: fixture('brightdata', 'snapshot-company') },
    );
    builtwith.reply({ json: builtWithAnswer() });
    // Enough answers for both runs, so that a re-run that does call shows up as requests, not errors.
    for (let i = 0; i < 6; i++) openai.reply(llmReply);

    const first = await run(`acct-rerun-${randomUUID().slice(0, 8)}`);
    expect(openai.requests.map(schemaOf)).toEqual([
      'company_profile',
      'business_summary',
      'market_intel',
    ]);
    expect(brightdata.requests.length).toBeGreaterThan(0);
    expect(JSON.stringify(apollo.requests[0])).toContain(`brightforge-${token}.io`);
    const vendorRequests = [apollo, brightdata, builtwith].map((s) => s.requests.length);
    // Apollo and Bright Data disagree on single-valued fields at the same precedence and
    // confidence: the tie is what the re-run must decide the same way.
    expect(first.profile.conflicts.map((c: { field: string }) => c.field)).toContain(
      'employee_count',
    );

    // A second account_id: the task-level result is not reused (a refresh would bypass the
    // shared provider cache by design), so the run happens and every provider call is a cache hit.
    const second = await withStillClock(() => run(`acct-rerun-${randomUUID().slice(0, 8)}`));

    const newLlm = openai.requests.slice(3).map(schemaOf);
    expect(newLlm).toEqual([]);
    expect([apollo, brightdata, builtwith].map((s) => s.requests.length)).toEqual(vendorRequests);
    expect(second.processed_data).toEqual(first.processed_data);
    expect(second.sources.filter((s: { cost_usd: number }) => s.cost_usd > 0)).toEqual([]);
  });
});

describe('summary prompt', () => {
  const known = (techProfile: Record<string, unknown>): AccountEnhancementProcessedData => ({
    company_name: 'Acme Corp',
    employee_count: 850,
    industry: 'machinery',
    location: 'Phoenix, Arizona, US',
    website: 'https://www.acme.com',
    linkedin_url: null,
    technologies: ['Cloudflare', 'HubSpot'],
    funding_details: { total_funding: { currency: 'USD', amount: 32500000, as_of_date: null } },
    company_type: 'private',
    founded_year: 1949,
    customers: ['Globex'],
    competitors: [],
    tech_profile: techProfile,
    recent_events: [],
    analysis_summary: null,
  });

  it('is the same text for the same facts, whatever the order of their keys', () => {
    const a = known({ source: 'builtwith', created_at: '2026-12-01T00:00:00.000Z' });
    const b: AccountEnhancementProcessedData = {
      ...a,
      funding_details: { total_funding: { as_of_date: null, amount: 32500000, currency: 'USD' } },
    };
    expect(summaryPrompt('Acme', b, 'text')).toBe(summaryPrompt('Acme', a, 'text'));
    expect(knownFactsText(a)).toMatch(/^\{"company_name":"Acme Corp","employee_count":850,/);
  });

  it("leaves out the vendor's raw technology report (its own timestamps), not the technologies", () => {
    const text = knownFactsText(known({ created_at: '2026-12-01T00:00:00.000Z' }));
    expect(text).not.toContain('tech_profile');
    expect(text).not.toContain('2026-12-01');
    expect(text).toContain('"technologies":["Cloudflare","HubSpot"]');
  });
});
