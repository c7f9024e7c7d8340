import type { AppConfig } from '../../src/common/config/app.config';
import { costOf } from '../../src/providers/core/cost';
import type { ProviderRequest } from '../../src/providers/core/enrichment-provider';
import { ProviderError } from '../../src/providers/core/provider-error';
import { markdownToText } from '../../src/providers/jina/jina.mapper';
import { JinaReaderProvider } from '../../src/providers/jina/jina-reader.provider';
import { JinaSearchProvider } from '../../src/providers/jina/jina-search.provider';
import type { WebPage } from '../../src/providers/web/web-read.types';
import type { WebSearchOutput } from '../../src/providers/web/web-search.types';
import { adapterAt, failure } from '../support/adapters';
import { fixture, refusedUrl, VendorStub } from '../support/vendor-stub';

const KEY = 'jina_test_key_5b1e';
const reader = (env: Record<string, string>) => adapterAt(new JinaReaderProvider(), env);
const searcher = (env: Record<string, string>) =>
  adapterAt(new JinaSearchProvider({ rawEnv: env } as unknown as AppConfig), env);

const read = (url: string): ProviderRequest => ({ capability: 'web.read', input: { url } });
const search = (input: Record<string, unknown>): ProviderRequest => ({
  capability: 'web.search',
  input,
});

describe('Jina Reader adapter (web.read, local stub)', () => {
  let stub: VendorStub;
  beforeAll(async () => {
    stub = await VendorStub.start();
  });
  afterAll(() => stub.close());
  beforeEach(() => stub.reset());

  it('GETs <base>/<url> as JSON with the Bearer key and maps the page to WebPage', async () => {
    stub.reply({ json: fixture('jina', 'reader-page'), headers: { 'x-usage-tokens': '42' } });
    const { call, settings } = reader({ JINA_API_KEY: KEY, JINA_BASE_URL: stub.url });
    const r = await call(read('https://www.acme.com/'));

    const req = stub.requests[0];
    expect(req.method).toBe('GET');
    expect(req.path).toBe('/https://www.acme.com/');
    expect(req.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(req.headers.accept).toBe('application/json');
    expect(req.headers['x-with-links-summary']).toBe('true');

    const page = r.data as WebPage;
    expect(r.found).toBe(true);
    expect(page).toEqual({
      url: 'https://www.acme.com/',
      final_url: 'https://www.acme.com/',
      status: 200,
      content_type: 'text/markdown',
      title: 'Acme Corp — Anvils that last',
      lang: 'en',
      text:
        'Acme Corp\n\nAcme makes industrial anvils and rocket skates since 1949.\n\nCustomers\n\n' +
        'Road Runner Logistics\nRead our story\n\nAcme logo\n\nContact: info@acme.com',
      markdown: fixture('jina', 'reader-page').data.content,
      // From Jina's links summary; the mailto: link is not a web link.
      links: [
        { href: 'https://www.acme.com/about', text: 'About us' },
        { href: 'https://www.acme.com/customers', text: 'Customers' },
        { href: 'https://www.linkedin.com/company/acme-corp', text: 'LinkedIn' },
      ],
      fetched_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      reader: 'jina',
    });
    expect(r.sources).toEqual(['https://www.acme.com/']);
    // Keyed reads are billed by the tokens Jina reports.
    expect(r.usage).toEqual({ outputTokens: 42 });
    expect(costOf(settings.cost, r)).toBeCloseTo((42 * 0.05) / 1e6, 12);
  });

  it('keyless (JINA_ENABLED=true): no Authorization, free, links taken from the Markdown', async () => {
    stub.reply({ json: fixture('jina', 'reader-no-links-summary') });
    const { call, settings } = reader({ JINA_ENABLED: 'true', JINA_BASE_URL: stub.url });
    const r = await call(read('https://www.acme.com/team'));
    expect(stub.requests[0].headers.authorization).toBeUndefined();
    expect(r.costUsd).toBe(0);
    expect(costOf(settings.cost, r)).toBe(0);
    expect((r.data as WebPage).links).toEqual([
      { href: 'https://www.acme.com/team/jane', text: 'Jane Doe' },
      { href: 'https://www.acme.com/team/wile', text: 'Wile E.' },
    ]);
    expect((r.data as WebPage).text).toBe('Meet the team: Jane Doe, CEO, and Wile E..');
  });

  it('a hash-routed URL is POSTed in a JSON body (fetch never sends a #fragment)', async () => {
    stub.reply({ json: fixture('jina', 'reader-page') });
    await reader({ JINA_API_KEY: KEY, JINA_BASE_URL: stub.url }).call(
      read('https://app.acme.com/#/about'),
    );
    expect(stub.requests[0]).toMatchObject({
      method: 'POST',
      path: '/',
      body: { url: 'https://app.acme.com/#/about' },
    });
  });

  it('a target that answers 404 and an empty page are found=false, not errors', async () => {
    stub.reply(
      { status: 422, json: fixture('jina', 'error-422-target-404') },
      { json: fixture('jina', 'reader-empty') },
    );
    const { call } = reader({ JINA_API_KEY: KEY, JINA_BASE_URL: stub.url });
    expect(await call(read('https://www.acme.com/missing'))).toEqual({
      found: false,
      data: null,
      costUsd: 0,
    });
    const empty = await call(read('https://app.acme.com/'));
    expect(empty.found).toBe(false);
    expect(empty.data).toMatchObject({ final_url: 'https://app.acme.com/', markdown: '' });
  });

  it('errors from the {data:null,code,name,…} envelope: 401 AUTH, 402 QUOTA_EXHAUSTED, 429 RATE_LIMITED, 451 BLOCKED, 5xx/bad JSON TEMPORARY', async () => {
    stub.reply(
      { status: 401, json: fixture('jina', 'error-401') },
      { status: 402, json: fixture('jina', 'error-402') },
      { status: 429, json: fixture('jina', 'error-429'), headers: { 'retry-after': '20' } },
      { status: 451, json: fixture('jina', 'error-451') },
      { status: 503, raw: 'upstream connect error', headers: { 'content-type': 'text/plain' } },
      { raw: 'Title: Acme\n\nMarkdown Content:\n...', headers: { 'content-type': 'text/plain' } },
      // HTTP 200 with an error envelope.
      { json: fixture('jina', 'error-402') },
    );
    const { call } = reader({ JINA_API_KEY: KEY, JINA_BASE_URL: stub.url });
    const auth = await failure(call(read('https://www.acme.com/')));
    expect(auth).toBeInstanceOf(ProviderError);
    expect(auth).toMatchObject({ code: 'AUTH', retryable: false, status: 401 });
    expect(auth.message).toContain('AuthenticationFailedError');
    expect(auth.message).toContain('JINA_API_KEY');
    const quota = await failure(call(read('https://www.acme.com/')));
    expect(quota).toMatchObject({ code: 'QUOTA_EXHAUSTED', retryable: false, status: 402 });
    expect(quota.message).toContain('Account balance not enough');
    const limited = await failure(call(read('https://www.acme.com/')));
    expect(limited).toMatchObject({ code: 'RATE_LIMITED', retryable: true, retryAfterMs: 20_000 });
    const blocked = await failure(call(read('https://blocked-example.com/')));
    expect(blocked).toMatchObject({ code: 'BLOCKED', retryable: false });
    expect(await failure(call(read('https://www.acme.com/')))).toMatchObject({
      code: 'TEMPORARY',
      status: 503,
    });
    const text = await failure(call(read('https://www.acme.com/')));
    expect(text).toMatchObject({ code: 'TEMPORARY' });
    expect(text.message).toMatch(/not JSON/);
    expect(await failure(call(read('https://www.acme.com/')))).toMatchObject({
      code: 'QUOTA_EXHAUSTED',
    });
  });

  it('refuses non-http URLs before any request; an unreachable vendor → TEMPORARY', async () => {
    const { call } = reader({ JINA_API_KEY: KEY, JINA_BASE_URL: stub.url });
    for (const url of ['file:///etc/passwd', 'acme.com', '']) {
      expect(await failure(call(read(url)))).toMatchObject({ code: 'BAD_INPUT', retryable: false });
    }
    expect(stub.requests).toHaveLength(0);
    const down = await failure(
      reader({ JINA_API_KEY: KEY, JINA_BASE_URL: await refusedUrl() }).call(read('https://a.com/')),
    );
    expect(down).toMatchObject({ code: 'TEMPORARY' });
    expect(down.message).toMatch(/cannot reach Jina Reader/);
  });

  it('configured with a key (500/min) or JINA_ENABLED=true (keyless, 20/min); off otherwise', () => {
    expect(reader({}).settings.configured).toBe(false);
    expect(reader({ JINA_ENABLED: 'false', JINA_API_KEY: KEY }).settings.configured).toBe(false);
    const keyed = reader({ JINA_API_KEY: KEY }).settings;
    expect(keyed).toMatchObject({ configured: true, rateLimits: { perMinute: 500 } });
    const keyless = reader({ JINA_ENABLED: 'true' }).settings;
    expect(keyless).toMatchObject({ configured: true, rateLimits: { perMinute: 20 } });
    const own = reader({ JINA_ENABLED: 'true', JINA_RATE_PER_MINUTE: '10' }).settings;
    expect(own.rateLimits.perMinute).toBe(10);
    expect(new JinaReaderProvider().selfTestRequest()).toEqual(read('https://example.com/'));
  });

  it('markdownToText keeps the words and drops the markup', () => {
    expect(
      markdownToText('## Title\n\n> quote with **bold** and `code`\n\n1. one\n* two\n\n---'),
    ).toBe('Title\n\nquote with bold and code\n\none\ntwo');
  });
});

describe('Jina Search adapter (web.search, local stub)', () => {
  let stub: VendorStub;
  beforeAll(async () => {
    stub = await VendorStub.start();
  });
  afterAll(() => stub.close());
  beforeEach(() => stub.reset());

  it('GETs /?q=… with count and site filters, SERP only, and maps unique results', async () => {
    stub.reply({ json: fixture('jina', 'search-results') });
    // One Jina key (JINA_API_KEY) switches on search too.
    const { call, settings } = searcher({ JINA_API_KEY: KEY, JINA_SEARCH_BASE_URL: stub.url });
    expect(settings.configured).toBe(true);
    const r = await call(
      search({
        query: 'acme corp founder',
        maxResults: 5,
        recency: 'month',
        domains: ['acme.com', '-pinterest.com'],
      }),
    );

    const req = stub.requests[0];
    expect(req.method).toBe('GET');
    const url = new URL(req.path, stub.url);
    expect(url.pathname).toBe('/');
    expect(url.searchParams.get('q')).toBe('acme corp founder -site:pinterest.com');
    expect(url.searchParams.get('count')).toBe('5');
    expect(url.searchParams.getAll('site')).toEqual(['acme.com']);
    expect(req.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(req.headers['x-respond-with']).toBe('no-content');
    expect(req.headers.accept).toBe('application/json');

    expect(r.found).toBe(true);
    expect((r.data as WebSearchOutput).results).toEqual([
      {
        url: 'https://www.acme.com/about',
        title: 'About Acme Corp',
        snippet: 'Acme Corp was founded in 1949 by Wile E. Coyote...',
        date: 'Jan 5, 2025',
      },
      {
        url: 'https://technews.example/acme-series-b',
        title: 'Acme Corp raises $25M Series B - TechNews',
        snippet: 'Phoenix-based Acme Corp raised $25M led by Roadrunner Ventures.',
      },
    ]);
    expect(r.usage).toEqual({ outputTokens: 10_000 });
    expect(costOf(settings.cost, r)).toBe(0.0005);
  });

  it('JINA_SEARCH_API_KEY wins over JINA_API_KEY; JINA_ENABLED=false or JINA_SEARCH_ENABLED=false switch it off; keyless is off', async () => {
    stub.reply({ json: { code: 200, status: 20000, data: [] } });
    const own = searcher({
      JINA_API_KEY: KEY,
      JINA_SEARCH_API_KEY: 'jina_search_only',
      JINA_SEARCH_BASE_URL: stub.url,
    });
    const none = await own.call(search({ query: 'zzqx nonexistent company 4711' }));
    expect(stub.requests[0].headers.authorization).toBe('Bearer jina_search_only');
    expect(new URL(stub.requests[0].path, stub.url).searchParams.get('count')).toBe('10');
    expect(none).toMatchObject({ found: false, data: { results: [] } });

    expect(searcher({}).settings.configured).toBe(false);
    expect(searcher({ JINA_ENABLED: 'true' }).settings.configured).toBe(false);
    expect(searcher({ JINA_API_KEY: KEY, JINA_ENABLED: 'false' }).settings.configured).toBe(false);
    expect(searcher({ JINA_API_KEY: KEY, JINA_SEARCH_ENABLED: 'false' }).settings.configured).toBe(
      false,
    );
  });

  it('"no search results" (422) is found=false; 401 AUTH, 402 QUOTA_EXHAUSTED, 429 RATE_LIMITED, 500 TEMPORARY', async () => {
    stub.reply(
      { status: 422, json: fixture('jina', 'search-no-results') },
      { status: 401, json: fixture('jina', 'error-401') },
      { status: 402, json: fixture('jina', 'error-402') },
      { status: 429, json: fixture('jina', 'error-429'), headers: { 'retry-after': '7' } },
      { status: 500, raw: 'Internal Server Error', headers: { 'content-type': 'text/plain' } },
    );
    const { call } = searcher({ JINA_API_KEY: KEY, JINA_SEARCH_BASE_URL: stub.url });
    const q = search({ query: 'zzqx nonexistent company 4711' });
    expect(await call(q)).toEqual({ found: false, data: { results: [] }, costUsd: 0 });
    const auth = await failure(call(q));
    expect(auth).toMatchObject({ code: 'AUTH' });
    expect(auth.message).toContain('JINA_SEARCH_API_KEY or JINA_API_KEY');
    expect(await failure(call(q))).toMatchObject({ code: 'QUOTA_EXHAUSTED' });
    expect(await failure(call(q))).toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: 7000 });
    expect(await failure(call(q))).toMatchObject({ code: 'TEMPORARY', status: 500 });
    expect(await failure(call(search({ query: '  ' })))).toMatchObject({ code: 'BAD_INPUT' });
    expect(stub.requests).toHaveLength(5);
  });
});
