import {
  BRIGHTDATA_METADATA,
  BrightDataProvider,
} from '../../src/providers/brightdata/brightdata.provider';
import type { CompanyProfile } from '../../src/providers/company/company.types';
import { costOf } from '../../src/providers/core/cost';
import type { ProviderRequest } from '../../src/providers/core/enrichment-provider';
import { ProviderError } from '../../src/providers/core/provider-error';
import { adapterAt, failure } from '../support/adapters';
import { fixture, refusedUrl, VendorStub } from '../support/vendor-stub';

const KEY = 'bd-test-key-41c9';
const SNAPSHOT = 's_m4x7enmven8djfqak';
const COMPANY_URL = 'https://www.linkedin.com/company/acme-corp';

const brightdataAt = (baseUrl: string, env: Record<string, string> = {}) =>
  // A 1 ms poll interval keeps the tests fast; the order of events is set by the stub's replies.
  adapterAt(new BrightDataProvider(), {
    BRIGHTDATA_API_KEY: KEY,
    BRIGHTDATA_BASE_URL: baseUrl,
    BRIGHTDATA_POLL_MS: '1',
    ...env,
  });

const company = (linkedin_url: string): ProviderRequest => ({
  capability: 'company.linkedin',
  input: { linkedin_url },
});

const json = (name: string, status = 200) => ({ status, json: fixture('brightdata', name) });

describe('Bright Data LinkedIn company adapter (trigger → progress → download, local stub)', () => {
  let stub: VendorStub;
  beforeAll(async () => {
    stub = await VendorStub.start();
  });
  afterAll(() => stub.close());
  beforeEach(() => stub.reset());

  it('triggers, polls running → ready, waits out a 202 download, downloads and maps the record', async () => {
    stub.reply(
      json('trigger'),
      json('progress-running'),
      json('progress-ready'),
      json('snapshot-not-ready', 202),
      json('snapshot-company'),
    );
    const { call, settings } = brightdataAt(stub.url);
    const r = await call(company('linkedin.com/company/acme-corp/about/?trk=x'));

    expect(stub.requests.map((q) => `${q.method} ${q.path}`)).toEqual([
      'POST /datasets/v3/trigger?dataset_id=gd_l1vikfnt1wgvvqz95w&format=json&include_errors=true',
      `GET /datasets/v3/progress/${SNAPSHOT}`,
      `GET /datasets/v3/progress/${SNAPSHOT}`,
      `GET /datasets/v3/snapshot/${SNAPSHOT}?format=json`,
      `GET /datasets/v3/snapshot/${SNAPSHOT}?format=json`,
    ]);
    for (const q of stub.requests) expect(q.headers.authorization).toBe(`Bearer ${KEY}`);
    // The input is the normalised company URL, as a bare array (VENDORS.md §6).
    expect(stub.requests[0].body).toEqual([{ url: COMPANY_URL }]);

    expect(r.found).toBe(true);
    expect(r.sources).toEqual([COMPANY_URL]);
    expect(r.data as CompanyProfile).toEqual({
      name: 'Acme Corp',
      domain: 'acme.com',
      website: 'https://www.acme.com/',
      linkedin_url: COMPANY_URL,
      crunchbase_url: 'https://www.crunchbase.com/organization/acme-corp',
      logo_url: 'https://media.licdn.com/dms/image/acme-logo.png',
      description:
        'Acme Corp makes industrial anvils and rocket skates. Since 1949 we have shipped to demanding customers worldwide.',
      slogan: 'Anvils that last',
      industry: 'Industrial Machinery Manufacturing',
      keywords: ['Anvils', 'Rocket skates', 'Industrial safety'],
      employee_count: 812,
      company_size: '501-1000',
      founded_year: 1949,
      company_type: 'private',
      headquarters: { formatted: 'Phoenix, Arizona', country: 'US' },
      locations: [
        { formatted: '1 Anvil Way, Phoenix, AZ 85001, US' },
        { formatted: '12 Rue de la Paix, Paris 75002, FR' },
      ],
      funding_rounds: [
        { series: 'Series B', amount: 25_000_000, currency: 'USD', date: '2024-05-02' },
      ],
      funding_stage: 'Series B',
      linkedin_followers: 15234,
      recent_posts: [
        {
          title: 'Acme Corp',
          text: 'We are hiring welders in Phoenix! Join the team that builds anvils that last.',
          url: 'https://www.linkedin.com/posts/acme-corp_hiring-activity-7135000000000000001',
          date: '2025-11-28T00:00:00.000Z',
          id: '7135000000000000001',
          likes_count: 120,
          comments_count: 8,
        },
        {
          title: 'Acme Corp',
          text: 'Our new rocket skates passed EU safety certification.',
          url: 'https://www.linkedin.com/posts/acme-corp_safety-activity-7130000000000000002',
          date: '2025-11-17T00:00:00.000Z',
          id: '7130000000000000002',
          likes_count: 54,
          comments_count: 3,
        },
      ],
      vendor_id: '1035',
    });
    // One successful record at $1.50 per 1,000.
    expect(costOf(settings.cost, r)).toBe(0.0015);
  });

  it('a dead LinkedIn page (error record in a ready snapshot) is found=false and free', async () => {
    stub.reply(json('trigger'), json('progress-ready'), json('snapshot-dead-page'));
    const { call, settings } = brightdataAt(stub.url);
    const r = await call(company('https://www.linkedin.com/company/acme-does-not-exist'));
    expect(r).toEqual({ found: false, data: null, usage: { results: 0 } });
    expect(costOf(settings.cost, r)).toBe(0);
  });

  it('a failed snapshot → TEMPORARY; a snapshot that vanished (404) → NOT_FOUND', async () => {
    stub.reply(
      json('trigger'),
      json('progress-running'),
      json('progress-failed'),
      json('trigger'),
      { status: 404, headers: { 'content-type': 'text/plain' }, raw: 'Snapshot not found' },
    );
    const { call } = brightdataAt(stub.url);
    const failed = await failure(call(company(COMPANY_URL)));
    expect(failed).toBeInstanceOf(ProviderError);
    expect(failed).toMatchObject({ code: 'TEMPORARY', retryable: true });
    expect(failed.message).toContain(
      `snapshot ${SNAPSHOT} failed: Collection failed: crawl blocked`,
    );
    const gone = await failure(call(company(COMPANY_URL)));
    expect(gone).toMatchObject({ code: 'NOT_FOUND', retryable: false, status: 404 });
    expect(gone.message).toContain('Snapshot not found');
    expect(stub.requests).toHaveLength(5);
  });

  it('trigger errors: 400 validation JSON → BAD_INPUT, plain-text 401 → AUTH, 429 → RATE_LIMITED, 503 → TEMPORARY, bad JSON → TEMPORARY', async () => {
    stub.reply(
      json('error-validation', 400),
      { status: 401, headers: { 'content-type': 'text/plain' }, raw: 'Invalid API key' },
      {
        status: 429,
        headers: { 'content-type': 'text/plain', 'retry-after': '30' },
        raw: 'You have too many running jobs for this dataset',
      },
      { status: 429, headers: { 'content-type': 'text/plain' }, raw: 'Too many requests' },
      { status: 503, headers: { 'content-type': 'text/plain' }, raw: 'Service Unavailable' },
      { raw: 'snapshot_id=s_1', headers: { 'content-type': 'text/plain' } },
    );
    const { call } = brightdataAt(stub.url);
    const bad = await failure(call(company(COMPANY_URL)));
    expect(bad).toMatchObject({ code: 'BAD_INPUT', retryable: false, status: 400 });
    expect(bad.message).toContain('Invalid input provided');
    const auth = await failure(call(company(COMPANY_URL)));
    expect(auth).toMatchObject({ code: 'AUTH', retryable: false });
    expect(auth.message).toContain('BRIGHTDATA_API_KEY');
    const limited = await failure(call(company(COMPANY_URL)));
    expect(limited).toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: 30_000 });
    expect(limited.message).toContain('too many running jobs');
    // No Retry-After: the platform's block pause applies (BRIGHTDATA_BLOCK_PAUSE_SECONDS, seed
    // 004), so the adapter names no wait of its own (brightdata-person.spec.ts: with it off, 15 s).
    const noHeader = await failure(call(company(COMPANY_URL)));
    expect(noHeader).toMatchObject({ code: 'RATE_LIMITED', status: 429 });
    expect(noHeader.retryAfterMs).toBeUndefined();
    expect(await failure(call(company(COMPANY_URL)))).toMatchObject({ code: 'TEMPORARY' });
    const garbage = await failure(call(company(COMPANY_URL)));
    expect(garbage).toMatchObject({ code: 'TEMPORARY' });
    expect(garbage.message).toMatch(/not JSON/);
  });

  it('a 429 while polling is waited out (the snapshot is already paid work), not a new trigger', async () => {
    stub.reply(
      json('trigger'),
      {
        status: 429,
        headers: { 'retry-after': '0', 'content-type': 'text/plain' },
        raw: 'Too many requests',
      },
      json('progress-ready'),
      json('snapshot-company'),
    );
    const r = await brightdataAt(stub.url).call(company(COMPANY_URL));
    expect(r.found).toBe(true);
    expect(stub.requests.filter((q) => q.path.includes('/trigger'))).toHaveLength(1);
  });

  it('gives up after BRIGHTDATA_MAX_POLLS and cancels the snapshot', async () => {
    stub.reply(json('trigger'), json('progress-running'), json('progress-running'), { json: {} });
    const { call } = brightdataAt(stub.url, { BRIGHTDATA_MAX_POLLS: '2' });
    const err = await failure(call(company(COMPANY_URL)));
    expect(err).toMatchObject({ code: 'TEMPORARY', retryable: true });
    expect(err.message).toMatch(/not ready after 2 polls.*BRIGHTDATA_MAX_POLLS/);
    await stub.received(4);
    expect(stub.requests[3]).toMatchObject({
      method: 'POST',
      path: `/datasets/v3/snapshot/${SNAPSHOT}/cancel`,
    });
    expect(stub.requests[3].headers.authorization).toBe(`Bearer ${KEY}`);
  });

  it('an abort while polling ends the call at once and cancels the snapshot', async () => {
    // A one-minute poll interval: without the abort the call would sit in its wait.
    stub.reply(json('trigger'), json('progress-running'), { json: {} });
    const ac = new AbortController();
    const started = Date.now();
    const pending = failure(
      brightdataAt(stub.url, { BRIGHTDATA_POLL_MS: '60000' }).call(company(COMPANY_URL), ac.signal),
    );
    await stub.received(2); // the snapshot exists and its progress was asked for
    ac.abort();
    const err = await pending;
    expect(err).toMatchObject({ code: 'TEMPORARY' });
    expect(err.message).toMatch(/aborted/);
    expect(Date.now() - started).toBeLessThan(30_000);
    await stub.received(3);
    expect(stub.requests[2]).toMatchObject({
      method: 'POST',
      path: `/datasets/v3/snapshot/${SNAPSHOT}/cancel`,
    });
  });

  it('an abort during a hanging progress request cancels too; no LinkedIn URL → BAD_INPUT before any request', async () => {
    stub.reply(json('trigger'), { hang: true }, { json: {} });
    const ac = new AbortController();
    const pending = failure(brightdataAt(stub.url).call(company(COMPANY_URL), ac.signal));
    await stub.received(2);
    ac.abort();
    expect(await pending).toMatchObject({ code: 'TEMPORARY' });
    await stub.received(3);
    expect(stub.requests[2].path).toBe(`/datasets/v3/snapshot/${SNAPSHOT}/cancel`);

    stub.reset();
    const { call } = brightdataAt(stub.url);
    expect(await failure(call(company('https://www.linkedin.com/in/jane-doe')))).toMatchObject({
      code: 'BAD_INPUT',
      retryable: false,
    });
    expect(await failure(call(company('https://acme.com/company/acme')))).toMatchObject({
      code: 'BAD_INPUT',
    });
    expect(stub.requests).toHaveLength(0);
  });

  it('an unreachable vendor → TEMPORARY; invalid poll settings stop the boot with a fix-it message', async () => {
    const down = await failure(brightdataAt(await refusedUrl()).call(company(COMPANY_URL)));
    expect(down).toMatchObject({ code: 'TEMPORARY' });
    expect(down.message).toMatch(/cannot reach Bright Data/);
    expect(() => brightdataAt(stub.url, { BRIGHTDATA_POLL_MS: 'soon' })).toThrow(
      'BRIGHTDATA_POLL_MS must be an integer ≥ 0 (got "soon")',
    );
  });

  it('declares its cost per record, cache TTL, a long timeout and a self-test request', () => {
    expect(BRIGHTDATA_METADATA).toMatchObject({
      capabilities: ['company.linkedin', 'person.linkedin'],
      pauseWhenBlocked: true,
      cost: { perResultUsd: 0.0015, maxResultsPerCall: 1 },
      cacheTtlSeconds: 30 * 24 * 3600,
      timeoutMs: 600_000,
    });
    expect(new BrightDataProvider().selfTestRequest()).toEqual(
      company('https://www.linkedin.com/company/bright-data'),
    );
  });
});
