import { BrightDataProvider } from '../../src/providers/brightdata/brightdata.provider';
import { costOf } from '../../src/providers/core/cost';
import type { ProviderRequest } from '../../src/providers/core/enrichment-provider';
import type { PersonProfile } from '../../src/providers/person/person.types';
import { adapterAt, failure } from '../support/adapters';
import { antiBotPage } from '../support/anti-bot';
import { fixture, VendorStub } from '../support/vendor-stub';

const KEY = 'bd-test-key-8e01';
const SNAPSHOT = 's_m4x7enmven8djfqak';
const PROFILE_URL = 'https://www.linkedin.com/in/satyanadella';

const brightdataAt = (baseUrl: string, env: Record<string, string> = {}) =>
  adapterAt(new BrightDataProvider(), {
    BRIGHTDATA_API_KEY: KEY,
    BRIGHTDATA_BASE_URL: baseUrl,
    BRIGHTDATA_POLL_MS: '1',
    ...env,
  });

const person = (linkedin_url: string): ProviderRequest => ({
  capability: 'person.linkedin',
  input: { linkedin_url },
});

const json = (name: string, status = 200) => ({ status, json: fixture('brightdata', name) });
const html = (status: number, name: 'cloudflare-challenge' | 'captcha-page') => ({
  status,
  headers: { 'content-type': 'text/html' },
  raw: antiBotPage(name),
});

describe('Bright Data LinkedIn people profiles (person.linkedin, trigger → progress → download)', () => {
  let stub: VendorStub;
  beforeAll(async () => {
    stub = await VendorStub.start();
  });
  afterAll(() => stub.close());
  beforeEach(() => stub.reset());

  it('triggers the people profiles dataset, polls running → ready, waits out a 202, maps the record', async () => {
    stub.reply(
      json('trigger'),
      json('progress-person-running'),
      json('progress-person-ready'),
      json('snapshot-not-ready', 202),
      json('snapshot-person'),
    );
    const { call, settings } = brightdataAt(stub.url);
    const r = await call(person('https://de.linkedin.com/in/satyanadella/recent-activity/'));

    expect(stub.requests.map((q) => `${q.method} ${q.path}`)).toEqual([
      'POST /datasets/v3/trigger?dataset_id=gd_l1viktl72bvl7bjuj0&format=json&include_errors=true',
      `GET /datasets/v3/progress/${SNAPSHOT}`,
      `GET /datasets/v3/progress/${SNAPSHOT}`,
      `GET /datasets/v3/snapshot/${SNAPSHOT}?format=json`,
      `GET /datasets/v3/snapshot/${SNAPSHOT}?format=json`,
    ]);
    for (const q of stub.requests) expect(q.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(stub.requests[0].body).toEqual([{ url: PROFILE_URL }]);

    expect(r.found).toBe(true);
    expect(r.sources).toEqual([PROFILE_URL]);
    expect(r.data as PersonProfile).toEqual({
      vendor_id: 'satyanadella',
      name: 'Satya Nadella',
      title: 'Chairman and CEO',
      headline: 'Chairman and CEO at Microsoft',
      about:
        'As chairman and CEO of Microsoft, I define my mission and that of my company as empowering every person and every organization on the planet to achieve more.',
      linkedin_url: PROFILE_URL,
      photo_url: 'https://media.licdn.com/dms/image/satyanadella-profile.jpg',
      location: { city: 'Redmond', country_code: 'US' },
      organization: {
        name: 'Microsoft',
        vendor_id: 'microsoft',
        linkedin_url: 'https://www.linkedin.com/company/microsoft',
      },
      employments: [
        {
          title: 'Chairman and CEO',
          organization_name: 'Microsoft',
          organization_linkedin_url: 'https://www.linkedin.com/company/microsoft',
          current: true,
        },
      ],
      connections: 500,
      follower_count: 10842560,
      refreshed_at: '2025-12-01T10:00:00.000Z',
    });
    expect(costOf(settings.cost, r)).toBe(0.0015);
  });

  it('a dead profile page is found=false and free; BRIGHTDATA_PEOPLE_DATASET_ID picks the dataset', async () => {
    stub.reply(json('trigger'), json('progress-person-ready'), json('snapshot-person-dead-page'));
    const { call, settings } = brightdataAt(stub.url, {
      BRIGHTDATA_PEOPLE_DATASET_ID: 'gd_me5ppxjr2ge6icjuh0',
    });
    const r = await call(person('https://www.linkedin.com/in/does-not-exist'));
    expect(r).toEqual({ found: false, data: null, usage: { results: 0 } });
    expect(costOf(settings.cost, r)).toBe(0);
    expect(stub.requests[0].path).toContain('dataset_id=gd_me5ppxjr2ge6icjuh0&');
  });

  it('an anti-bot page instead of JSON is BLOCKED, at the trigger or while polling', async () => {
    stub.reply(html(200, 'cloudflare-challenge'), json('trigger'), html(429, 'captcha-page'));
    const { call } = brightdataAt(stub.url);
    const atTrigger = await failure(call(person(PROFILE_URL)));
    expect(atTrigger).toMatchObject({ code: 'BLOCKED', retryable: false, status: 200 });
    expect(atTrigger.message).toMatch(/Bright Data answered an anti-bot \/ CAPTCHA page/);
    // A wall's 429 page is a block, not a rate limit to wait out while polling.
    expect(await failure(call(person(PROFILE_URL)))).toMatchObject({
      code: 'BLOCKED',
      status: 429,
    });
    expect(stub.requests).toHaveLength(3);
  });

  it('a trigger 429 without Retry-After is left to the block pause; with the pause off it waits 15 s', async () => {
    const tooMany = {
      status: 429,
      headers: { 'content-type': 'text/plain' },
      raw: 'Too many requests',
    };
    stub.reply(tooMany, tooMany);
    const blocked = await failure(brightdataAt(stub.url).call(person(PROFILE_URL)));
    expect(blocked).toMatchObject({ code: 'RATE_LIMITED', status: 429 });
    expect(blocked.retryAfterMs).toBeUndefined();
    const off = brightdataAt(stub.url, { BRIGHTDATA_BLOCK_PAUSE_SECONDS: '0' });
    expect(await failure(off.call(person(PROFILE_URL)))).toMatchObject({
      code: 'RATE_LIMITED',
      retryAfterMs: 15_000,
    });
  });

  it('refuses a company page or a non-LinkedIn URL before any request', async () => {
    const { call } = brightdataAt(stub.url);
    for (const url of ['https://www.linkedin.com/company/microsoft', 'https://example.com/in/x']) {
      expect(await failure(call(person(url)))).toMatchObject({
        code: 'BAD_INPUT',
        retryable: false,
      });
    }
    expect(stub.requests).toHaveLength(0);
  });
});
