import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { authHeaders, startTestApp, TestApp, waitFor } from '../support/test-app';
import { builtWithAnswer } from '../support/builtwith-answer';
import { fixture, Reply, StubRequest, VendorStub } from '../support/vendor-stub';
import { CompanySite, startCompanySite } from './company-site-server';

/** What the LLM stub answers, by the schema name the request asks for. */
const LLM_ANSWERS: Record<string, { content: unknown; citations?: string[] }> = {
  company_profile: {
    content: {
      name: 'Brightforge Robotics',
      description: 'Autonomous mobile robots for warehouses.',
      industry: 'Industrial robotics',
      employee_count: 120,
      customers: ['Globex'],
      technologies: ['ROS'],
    },
  },
  business_summary: {
    content: {
      analysis_summary: '**Brightforge** builds autonomous mobile robots for warehouses.',
    },
  },
  market_intel: {
    content: {
      competitors: [
        { name: 'Locus Robotics', urls: ['https://news.example.com/amr-market'] },
        { name: 'Fetch Robotics' },
      ],
      customers: [{ name: 'Soylent Logistics', urls: ['https://brightforge.io/customers'] }],
      recent_events: [
        {
          title: 'Brightforge raises Series B',
          description: '$30M led by Example Ventures',
          date: '2026-06-01',
          urls: ['https://news.example.com/brightforge-series-b'],
        },
      ],
      funding: {
        total_funding_usd: 42000000,
        rounds: [
          {
            series: 'Series B',
            amount: 30000000,
            currency: 'USD',
            date: '2026-06-01',
            investors: ['Example Ventures'],
            urls: ['https://news.example.com/brightforge-series-b'],
          },
        ],
      },
    },
    citations: [
      'https://news.example.com/amr-market',
      'https://news.example.com/brightforge-series-b',
    ],
  },
};

function llmReply(req: StubRequest): Reply {
  const name: string = req.body?.response_format?.json_schema?.name ?? '';
  const a = LLM_ANSWERS[name];
  if (!a) return { status: 400, json: { error: { message: `unexpected schema ${name}` } } };
  const body = fixture('openai', 'chat-web-search');
  body.choices[0].message.content = JSON.stringify(a.content);
  body.choices[0].message.annotations = (a.citations ?? []).map((url) => ({
    type: 'url_citation',
    url_citation: { start_index: 0, end_index: 1, title: url, url },
  }));
  return { json: body };
}

async function untilFinal(t: TestApp, id: string) {
  return waitFor(async () => {
    const s = (
      await request(t.app.getHttpServer()).get(`/api/v1/tasks/${id}`).set(authHeaders).expect(200)
    ).body;
    return ['succeeded', 'failed', 'cancelled'].includes(s.status) ? s : null;
  }, `task ${id} to finish`);
}

describe('account enhancement with every vendor stubbed locally (Apollo, BuiltWith, OpenAI-compatible LLM)', () => {
  let site: CompanySite;
  let apollo: VendorStub;
  let builtwith: VendorStub;
  let openai: VendorStub;
  let t: TestApp;

  beforeAll(async () => {
    site = await startCompanySite('brightforge-plain');
    [apollo, builtwith, openai] = await Promise.all([
      VendorStub.start(),
      VendorStub.start(),
      VendorStub.start(),
    ]);
    t = await startTestApp({
      WEB_FETCH_ALLOWED_HOSTS: '127.0.0.1',
      APOLLO_API_KEY: 'apollo-e2e-key-0c1d2e3f',
      APOLLO_BASE_URL: `${apollo.url}/api/v1`,
      BUILTWITH_API_KEY: 'builtwith-e2e-key-9a8b7c6d',
      BUILTWITH_BASE_URL: builtwith.url,
      OPENAI_BASE_URL: `${openai.url}/v1`,
      OPENAI_API_KEY: 'test-openai-key-e2e',
    });
  });
  afterAll(async () => {
    await t?.close();
    await Promise.all([site?.close(), apollo?.close(), builtwith?.close(), openai?.close()]);
  });

  it('vendor values win per the merge rule, LLM fields carry method llm with evidence URLs, the ledger has every call', async () => {
    apollo.reply({ json: fixture('apollo', 'organization-enrich') });
    builtwith.reply({ json: builtWithAnswer() });
    openai.reply(llmReply, llmReply, llmReply);
    const accountId = `acct-v-${randomUUID().slice(0, 8)}`;

    const dry = await request(t.app.getHttpServer())
      .post('/api/v1/accounts/enrich')
      .set(authHeaders)
      .send({ website: site.origin, dry_run: true })
      .expect(200);
    expect(dry.body.estimate.cost_max_usd).toBeGreaterThan(0);
    expect(dry.body.estimate.calls).toBeGreaterThan(t.config.WEB_SITE_MAX_PAGES);

    const res = await request(t.app.getHttpServer())
      .post('/api/v1/tasks/create/account_enhancement')
      .set(authHeaders)
      .send({ account_id: accountId, website: site.origin })
      .expect(200);
    const task = await untilFinal(t, res.body.job_id);
    expect(task.status).toBe('succeeded');
    const acct = task.result.results[0];

    // Vendors were asked about the domain the site's own mailboxes use.
    expect(apollo.requests).toHaveLength(1);
    expect(JSON.stringify(apollo.requests[0])).toContain('brightforge.io');
    expect(builtwith.requests[0].path).toContain('LOOKUP=brightforge.io');
    expect(openai.requests).toHaveLength(3);
    expect(openai.requests[2].body.web_search_options).toEqual({});

    // Vendor (api) beats the site and the LLM; the losers stay as candidates and conflicts.
    const fields = acct.profile.fields;
    expect(fields.name.value).toMatchObject({
      value: 'Acme Corp',
      method: 'api',
      source: 'apollo',
    });
    expect(fields.name.candidates.map((c: { method: string }) => c.method)).toEqual(
      expect.arrayContaining(['api', 'llm', 'scrape']),
    );
    expect(acct.profile.conflicts.map((c: { field: string }) => c.field)).toContain('name');
    expect(fields.employee_count.value).toMatchObject({ value: 850, method: 'api' });
    expect(task.result.company_name).toBe('Acme Corp');
    // BuiltWith's technologies and tech_profile.
    expect(acct.processed_data.tech_profile).not.toEqual({});
    expect(
      fields.technologies.values.some((v: { source: string }) => v.source === 'builtwith'),
    ).toBe(true);

    // LLM: the summary, the extracted industry (nobody else had one) and sourced market intel.
    expect(acct.processed_data.analysis_summary).toContain('**Brightforge**');
    expect(fields.analysis_summary.value).toMatchObject({ method: 'llm', source: 'openai' });
    // Apollo's industry wins; the LLM's reading of the site stays a candidate with the pages as evidence.
    expect(fields.industry.value).toMatchObject({ value: 'machinery', method: 'api' });
    const llmIndustry = fields.industry.candidates.find(
      (c: { method: string }) => c.method === 'llm',
    );
    expect(llmIndustry).toMatchObject({ value: 'Industrial robotics', source: 'openai' });
    expect(llmIndustry.evidence[0]).toContain(site.origin);
    const competitors = fields.competitors.values;
    expect(competitors.map((c: { value: string }) => c.value)).toEqual([
      'Locus Robotics',
      'Fetch Robotics',
    ]);
    expect(competitors[0]).toMatchObject({
      method: 'llm',
      evidence: ['https://news.example.com/amr-market'],
    });
    // A claim without its own URL keeps the answer's citations.
    expect(competitors[1].evidence).toEqual([
      'https://news.example.com/amr-market',
      'https://news.example.com/brightforge-series-b',
    ]);
    expect(acct.processed_data.competitors).toEqual(['Locus Robotics', 'Fetch Robotics']);
    expect(acct.processed_data.customers[0]).toBe('Soylent Logistics');
    expect(acct.processed_data.recent_events).toEqual([
      {
        title: 'Brightforge raises Series B',
        description: '$30M led by Example Ventures',
        date: '2026-06-01',
        source: 'https://news.example.com/brightforge-series-b',
      },
    ]);
    // Apollo's total wins over the LLM's; the rounds of both are kept.
    expect(acct.processed_data.funding_details.total_funding.amount).toBe(32500000);
    expect(fields.total_funding_usd.candidates.map((c: { value: number }) => c.value)).toEqual([
      32500000, 42000000,
    ]);
    expect(acct.processed_data.funding_details.funding_rounds).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ series: 'Series A' }),
        // The same round (by series) from both: Apollo's figure wins, the LLM's stays a candidate.
        expect.objectContaining({ series: 'Series B', amount: 25000000 }),
      ]),
    );
    expect(
      fields.funding_rounds.candidates.find((c: { method: string }) => c.method === 'llm'),
    ).toMatchObject({
      value: { series: 'Series B', amount: 30000000 },
      evidence: ['https://news.example.com/brightforge-series-b'],
    });
    expect(acct.errors).toEqual([]);

    const ledger = await t.app
      .get(DataSource)
      .query(
        `SELECT provider, outcome FROM provider_calls WHERE task_id = $1 AND provider <> 'builtin_web' ORDER BY id`,
        [res.body.job_id],
      );
    expect(ledger).toEqual([
      { provider: 'apollo', outcome: 'ok' },
      { provider: 'builtwith', outcome: 'ok' },
      { provider: 'openai', outcome: 'ok' },
      { provider: 'openai', outcome: 'ok' },
      { provider: 'openai', outcome: 'ok' },
    ]);
  });
});

describe('account enhancement with a vendor down (breaker opens after one failure)', () => {
  let site: CompanySite;
  let apollo: VendorStub;
  let t: TestApp;

  beforeAll(async () => {
    site = await startCompanySite('brightforge-plain');
    apollo = await VendorStub.start();
    t = await startTestApp({
      WEB_FETCH_ALLOWED_HOSTS: '127.0.0.1',
      APOLLO_API_KEY: 'apollo-e2e-key-0c1d2e3f',
      APOLLO_BASE_URL: `${apollo.url}/api/v1`,
      PROVIDER_BREAKER_THRESHOLD: '1',
      PROVIDER_RETRY_ATTEMPTS: '1',
    });
  });
  afterAll(async () => {
    await t?.close();
    await site?.close();
    await apollo?.close();
  });

  it('a 5xx, then an open breaker, still yield the keyless profile, with the failure recorded', async () => {
    apollo.reply({ status: 500, json: { error: 'internal' } });
    const run = async (accountId: string) => {
      const res = await request(t.app.getHttpServer())
        .post('/api/v1/tasks/create/account_enhancement')
        .set(authHeaders)
        .send({ account_id: accountId, website: site.origin, refresh: true })
        .expect(200);
      const task = await untilFinal(t, res.body.job_id);
      expect(task.status).toBe('succeeded');
      return task.result.results[0];
    };
    const first = await run(`acct-down-${randomUUID().slice(0, 8)}`);
    expect(first.processed_data).toMatchObject({ company_name: 'Brightforge', founded_year: 2016 });
    expect(first.profile.fields.name.value.method).toBe('scrape');
    expect(first.errors).toEqual([
      expect.objectContaining({ stage: 'vendors', code: 'TEMPORARY' }),
    ]);
    expect(first.sources).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ provider: 'apollo', outcome: 'TEMPORARY' }),
      ]),
    );
    expect(apollo.requests).toHaveLength(1);

    // The breaker is open now: Apollo is not even called, and the account still completes.
    const second = await run(`acct-down-${randomUUID().slice(0, 8)}`);
    expect(apollo.requests).toHaveLength(1);
    expect(second.processed_data.company_name).toBe('Brightforge');
    expect(second.errors).toEqual([
      expect.objectContaining({ stage: 'vendors', message: expect.stringMatching(/breaker/) }),
    ]);
  });
});
