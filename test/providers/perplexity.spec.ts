import { costOf } from '../../src/providers/core/cost';
import type { ProviderRequest } from '../../src/providers/core/enrichment-provider';
import { ProviderError } from '../../src/providers/core/provider-error';
import type { LlmGenerateOutput } from '../../src/providers/llm/llm.types';
import { PerplexityProvider } from '../../src/providers/perplexity/perplexity.provider';
import type { WebSearchOutput } from '../../src/providers/web/web-search.types';
import { adapterAt, failure } from '../support/adapters';
import { fixture, refusedUrl, VendorStub } from '../support/vendor-stub';

const KEY = 'pplx-test-key';
const SCHEMA = {
  type: 'object',
  properties: { founder: { type: 'string' } },
  required: ['founder'],
};

const perplexityAt = (baseUrl: string, env: Record<string, string> = {}) =>
  adapterAt(new PerplexityProvider(), {
    PERPLEXITY_API_KEY: KEY,
    PERPLEXITY_BASE_URL: baseUrl,
    ...env,
  });

const generate = (input: Record<string, unknown>): ProviderRequest => ({
  capability: 'llm.generate',
  operation: 'generate',
  input,
});
const search = (input: Record<string, unknown>): ProviderRequest => ({
  capability: 'web.search',
  input,
});

describe('Perplexity adapter (Agent API over fetch against a local stub)', () => {
  let stub: VendorStub;
  beforeAll(async () => {
    stub = await VendorStub.start();
  });
  afterAll(() => stub.close());
  beforeEach(() => stub.reset());

  it('sends the documented Agent API body and returns JSON, citations and the vendor-reported cost', async () => {
    stub.reply({ json: fixture('perplexity', 'agent-json-search') });
    const { call, settings } = perplexityAt(stub.url, { PERPLEXITY_SEARCH_CONTEXT_SIZE: 'low' });
    const r = await call(
      generate({
        prompt: 'Who founded Acme Corp?',
        system: 'Return JSON only.',
        schema: SCHEMA,
        schemaName: 'company',
        webSearch: { maxResults: 5, recency: 'year', domains: ['acme.com', '-pinterest.com'] },
        maxOutputTokens: 512,
        temperature: 0,
      }),
    );

    const req = stub.requests[0];
    expect(req.method).toBe('POST');
    expect(req.path).toBe('/v1/agent');
    expect(req.headers.authorization).toBe(`Bearer ${KEY}`);
    // Exactly the documented fields: the API answers 400 to any other (temperature included).
    expect(req.body).toEqual({
      model: 'perplexity/sonar',
      input: [
        { role: 'system', content: 'Return JSON only.' },
        { role: 'user', content: 'Who founded Acme Corp?' },
      ],
      tools: [
        {
          type: 'web_search',
          max_results: 5,
          search_context_size: 'low',
          filters: {
            search_domain_filter: ['acme.com', '-pinterest.com'],
            search_recency_filter: 'year',
          },
        },
      ],
      max_output_tokens: 512,
      response_format: { type: 'json_schema', json_schema: { name: 'company', schema: SCHEMA } },
    });

    const data = r.data as LlmGenerateOutput;
    expect(r.found).toBe(true);
    expect(data.json).toEqual({ founder: 'Jane Doe' });
    expect(data.finishReason).toBe('stop');
    expect(data.citations).toEqual([
      'https://acme.com/about',
      'https://en.wikipedia.org/wiki/Acme',
    ]);
    expect(r.usage).toEqual({ inputTokens: 20, outputTokens: 12 });
    expect(costOf(settings.cost, r, settings.model)).toBe(0.00503);
  });

  it('without webSearch sends no tool; with no vendor cost, prices the request fee and tokens', async () => {
    stub.reply({ json: fixture('perplexity', 'agent-text-no-cost') });
    const { call, settings } = perplexityAt(stub.url);
    const r = await call(generate({ prompt: 'Say OK', maxOutputTokens: 16 }));
    expect(stub.requests[0].body).toEqual({
      model: 'perplexity/sonar',
      input: [{ role: 'user', content: 'Say OK' }],
      max_output_tokens: 16,
    });
    expect((r.data as LlmGenerateOutput).text).toBe('OK');
    expect(costOf(settings.cost, r, settings.model)).toBeCloseTo(0.005 + (1000 + 2000) / 1e6, 10);
  });

  it('an incomplete run cut by max_output_tokens still returns its text, finishReason "length"', async () => {
    stub.reply({ json: fixture('perplexity', 'agent-incomplete') });
    const r = await perplexityAt(stub.url).call(
      generate({ prompt: 'Describe Acme', maxOutputTokens: 16 }),
    );
    expect(r.data).toMatchObject({
      text: 'Acme Corp is a company founded in',
      finishReason: 'length',
    });
    expect(r.costUsd).toBe(0.000031);
  });

  it('a failed or cancelled run with HTTP 200 is an error (TEMPORARY), never an empty answer', async () => {
    stub.reply(
      { json: fixture('perplexity', 'agent-failed') },
      { json: fixture('perplexity', 'agent-cancelled') },
    );
    const { call } = perplexityAt(stub.url);
    const failed = await failure(call(generate({ prompt: 'Who founded Acme?', schema: SCHEMA })));
    expect(failed).toBeInstanceOf(ProviderError);
    expect(failed).toMatchObject({ code: 'TEMPORARY', retryable: true });
    expect(failed.message).toContain('failed to produce structured output');
    const cancelled = await failure(call(generate({ prompt: 'Who founded Acme?' })));
    expect(cancelled).toMatchObject({ code: 'TEMPORARY' });
    expect(cancelled.message).toContain('cancelled');
  });

  it('429 request_rate_limit_exceeded → RATE_LIMITED with the Retry-After wait', async () => {
    stub.reply({
      status: 429,
      headers: { 'retry-after': '12' },
      json: fixture('perplexity', 'error-429'),
    });
    const err = await failure(perplexityAt(stub.url).call(generate({ prompt: 'hi' })));
    expect(err).toMatchObject({
      code: 'RATE_LIMITED',
      retryable: true,
      retryAfterMs: 12_000,
      status: 429,
    });
    expect(err.message).toContain('request_rate_limit_exceeded');
  });

  it('401 → AUTH, 400 → BAD_INPUT (not retried), 500 → TEMPORARY, non-JSON 200 → TEMPORARY', async () => {
    stub.reply(
      { status: 401, json: fixture('perplexity', 'error-401') },
      { status: 400, json: fixture('perplexity', 'error-400') },
      { status: 500, json: fixture('perplexity', 'error-500') },
      { raw: '<html>502 Bad Gateway</html>', headers: { 'content-type': 'text/html' } },
    );
    const { call } = perplexityAt(stub.url);
    const auth = await failure(call(generate({ prompt: 'hi' })));
    expect(auth).toMatchObject({ code: 'AUTH', retryable: false });
    expect(auth.message).toContain('PERPLEXITY_API_KEY');
    const bad = await failure(call(generate({ prompt: 'hi' })));
    expect(bad).toMatchObject({ code: 'BAD_INPUT', retryable: false });
    expect(bad.message).toContain('Unrecognized request argument supplied: temperature');
    const server = await failure(call(generate({ prompt: 'hi' })));
    expect(server).toMatchObject({ code: 'TEMPORARY', retryable: true });
    const garbage = await failure(call(generate({ prompt: 'hi' })));
    expect(garbage).toMatchObject({ code: 'TEMPORARY', retryable: true });
    expect(garbage.message).toMatch(/not JSON/);
  });

  it('a server that cannot be reached → TEMPORARY; an aborted call → TEMPORARY', async () => {
    const down = await failure(perplexityAt(await refusedUrl()).call(generate({ prompt: 'hi' })));
    expect(down).toMatchObject({ code: 'TEMPORARY', retryable: true });
    expect(down.message).toMatch(/cannot reach Perplexity/);

    stub.reply({ hang: true });
    const ac = new AbortController();
    const pending = failure(perplexityAt(stub.url).call(generate({ prompt: 'hi' }), ac.signal));
    await stub.received(1);
    ac.abort();
    expect(await pending).toMatchObject({ code: 'TEMPORARY' });
  });

  it('web.search always searches and returns the results; none found is found=false, not an error', async () => {
    stub.reply(
      { json: fixture('perplexity', 'agent-json-search') },
      { json: fixture('perplexity', 'agent-search-empty') },
    );
    const { call, settings } = perplexityAt(stub.url);
    const r = await call(search({ query: 'Acme Corp founder', maxResults: 1, recency: 'month' }));

    const body = stub.requests[0].body;
    expect(body.input.at(-1)).toEqual({ role: 'user', content: 'Acme Corp founder' });
    expect(body.tools).toEqual([
      { type: 'web_search', max_results: 1, filters: { search_recency_filter: 'month' } },
    ]);
    expect(body.max_output_tokens).toBe(256);
    expect(r.found).toBe(true);
    expect((r.data as WebSearchOutput).results).toEqual([
      {
        url: 'https://acme.com/about',
        title: 'About Acme',
        snippet: 'Acme was founded in 2012 by Jane Doe...',
        date: '2024-03-01',
      },
    ]);
    expect(costOf(settings.cost, r, settings.model)).toBe(0.00503);

    const none = await call(search({ query: 'zzqx nonexistent company 4711' }));
    expect(none).toMatchObject({ found: false, data: { results: [] } });
    expect(stub.requests[1].body.tools[0].max_results).toBe(5);
  });

  it('the worst case is the request fee plus input and the output bound actually sent', () => {
    const { adapter, settings: s } = perplexityAt('http://127.0.0.1:9');
    const input = { prompt: 'Who founded Acme?', maxOutputTokens: 1000 };
    const tokens = Math.ceil(JSON.stringify(input).length / 4);
    expect(adapter.estimateMaxCostUsd(generate(input), s.cost, s)).toBeCloseTo(
      0.005 + (tokens + 1000) / 1e6,
      10,
    );
    expect(adapter.estimateMaxCostUsd(search({ query: 'Acme' }), s.cost, s)).toBeLessThan(0.0055);
  });
});
