import { costOf } from '../../src/providers/core/cost';
import type { ProviderRequest } from '../../src/providers/core/enrichment-provider';
import { ProviderError } from '../../src/providers/core/provider-error';
import { resolveProviderSettings } from '../../src/providers/core/provider-settings';
import type { LlmEmbedOutput, LlmGenerateOutput } from '../../src/providers/llm/llm.types';
import { OPENAI_METADATA, OpenAiProvider } from '../../src/providers/openai/openai.provider';
import { adapterAt, failure } from '../support/adapters';
import { fixture, refusedUrl, VendorStub } from '../support/vendor-stub';

const KEY = 'test-openai-key';
const SCHEMA = {
  type: 'object',
  properties: { name: { type: 'string' }, domain: { type: 'string' } },
  required: ['name', 'domain'],
};

const openaiAt = (baseUrl: string, env: Record<string, string> = { OPENAI_API_KEY: KEY }) =>
  adapterAt(new OpenAiProvider(), { OPENAI_BASE_URL: `${baseUrl}/v1`, ...env });

const generate = (input: Record<string, unknown>): ProviderRequest => ({
  capability: 'llm.generate',
  operation: 'generate',
  input,
});
const embed = (input: Record<string, unknown>): ProviderRequest => ({
  capability: 'llm.embed',
  operation: 'embed',
  input,
});

describe('OpenAI adapter (openai SDK against a local stub)', () => {
  let stub: VendorStub;
  beforeAll(async () => {
    stub = await VendorStub.start();
  });
  afterAll(() => stub.close());
  beforeEach(() => stub.reset());

  it('sends a non-strict json_schema response format and returns the parsed answer, usage and cost', async () => {
    stub.reply({ json: fixture('openai', 'chat-json') });
    const { call, settings } = openaiAt(stub.url);
    const r = await call(
      generate({
        prompt: 'Acme Corp, acme.com',
        system: 'Extract fields.',
        schema: SCHEMA,
        schemaName: 'company info',
        temperature: 0,
        maxOutputTokens: 256,
      }),
    );

    const req = stub.requests[0];
    expect(req.method).toBe('POST');
    expect(req.path).toBe('/v1/chat/completions');
    expect(req.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(req.body).toEqual({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: 'Extract fields.' },
        { role: 'user', content: 'Acme Corp, acme.com' },
      ],
      max_completion_tokens: 256,
      temperature: 0,
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'company_info', schema: SCHEMA, strict: false },
      },
    });

    const data = r.data as LlmGenerateOutput;
    expect(r.found).toBe(true);
    expect(data.json).toEqual({ name: 'Acme Corp', domain: 'acme.com' });
    expect(data.finishReason).toBe('stop');
    expect(data.citations).toEqual([]);
    expect(r.usage).toEqual({ inputTokens: 31, outputTokens: 12 });
    // Priced by the model asked for, not the dated snapshot the vendor echoes.
    expect(r.model).toBe('gpt-4o-mini');
    expect(costOf(settings.cost, r, settings.model)).toBeCloseTo((31 * 0.15 + 12 * 0.6) / 1e6, 10);
  });

  it('web search uses the search model with web_search_options and returns url_citation URLs', async () => {
    stub.reply({ json: fixture('openai', 'chat-web-search') });
    const { call, settings } = openaiAt(stub.url);
    const r = await call(
      generate({
        prompt: 'Who founded Acme Corp?',
        webSearch: { maxResults: 3 },
        temperature: 0.2,
      }),
    );

    const req = stub.requests[0];
    expect(req.body.model).toBe('gpt-4o-mini-search-preview');
    expect(req.body.web_search_options).toEqual({});
    // Search models reject temperature.
    expect(req.body).not.toHaveProperty('temperature');

    const data = r.data as LlmGenerateOutput;
    expect(data.citations).toEqual([
      'https://acme.com/about',
      'https://en.wikipedia.org/wiki/Acme',
    ]);
    expect(r.sources).toEqual(data.citations);
    expect(costOf(settings.cost, r, settings.model)).toBeCloseTo(
      0.0275 + (10 * 0.15 + 25 * 0.6) / 1e6,
      10,
    );
  });

  it('a refusal or a content_filter stop → BAD_INPUT, not retried', async () => {
    stub.reply(
      { json: fixture('openai', 'chat-refusal') },
      { json: fixture('openai', 'chat-content-filter') },
    );
    const { call } = openaiAt(stub.url);
    const refused = await failure(call(generate({ prompt: 'something bad' })));
    expect(refused).toMatchObject({ code: 'BAD_INPUT', retryable: false });
    expect(refused.message).toContain("I'm sorry, I can't help with that.");
    const filtered = await failure(call(generate({ prompt: 'something worse' })));
    expect(filtered).toMatchObject({ code: 'BAD_INPUT', retryable: false });
    expect(filtered.message).toContain('content filter');
  });

  it('embeds with encoding_format "float" (never the base64 default) and keeps the input order', async () => {
    stub.reply({ json: fixture('openai', 'embeddings') });
    const { call, settings } = openaiAt(stub.url);
    const r = await call(embed({ texts: ['Acme Corp', 'acme.com'], dimensions: 3 }));

    const req = stub.requests[0];
    expect(req.path).toBe('/v1/embeddings');
    expect(req.body).toEqual({
      model: 'text-embedding-3-small',
      input: ['Acme Corp', 'acme.com'],
      encoding_format: 'float',
      dimensions: 3,
    });
    // The fixture lists index 1 first: vectors come back in input order, undecoded.
    expect((r.data as LlmEmbedOutput).vectors).toEqual([
      [0.0023, -0.0093, 0.0151],
      [0.0011, 0.0042, -0.0072],
    ]);
    expect(costOf(settings.cost, r, settings.model)).toBeCloseTo((5 * 0.02) / 1e6, 10);
  });

  it('429 → RATE_LIMITED with the Retry-After wait (retry-after-ms first), and the SDK does not retry', async () => {
    stub.reply(
      {
        status: 429,
        headers: { 'retry-after': '7' },
        json: fixture('openai', 'error-429-rate-limit'),
      },
      {
        status: 429,
        headers: { 'retry-after': '7', 'retry-after-ms': '1500' },
        json: fixture('openai', 'error-429-rate-limit'),
      },
    );
    const { call } = openaiAt(stub.url);
    const first = await failure(call(generate({ prompt: 'hi' })));
    expect(first).toBeInstanceOf(ProviderError);
    expect(first).toMatchObject({ code: 'RATE_LIMITED', retryable: true, retryAfterMs: 7000 });
    expect(stub.requests).toHaveLength(1);
    const second = await failure(call(generate({ prompt: 'hi' })));
    expect(second.retryAfterMs).toBe(1500);
    expect(stub.requests).toHaveLength(2);
  });

  it('429 insufficient_quota → QUOTA_EXHAUSTED, not retried (waiting does not pay the bill)', async () => {
    stub.reply({ status: 429, json: fixture('openai', 'error-429-insufficient-quota') });
    const err = await failure(openaiAt(stub.url).call(generate({ prompt: 'hi' })));
    expect(err).toMatchObject({ code: 'QUOTA_EXHAUSTED', retryable: false });
  });

  it('401 → AUTH naming OPENAI_API_KEY; 500 → TEMPORARY in one request', async () => {
    stub.reply(
      { status: 401, json: fixture('openai', 'error-401') },
      { status: 500, json: fixture('openai', 'error-500') },
    );
    const { call } = openaiAt(stub.url);
    const auth = await failure(call(generate({ prompt: 'hi' })));
    expect(auth).toMatchObject({ code: 'AUTH', retryable: false, status: 401 });
    expect(auth.message).toMatch(/Incorrect API key.*OPENAI_API_KEY/);
    const server = await failure(call(generate({ prompt: 'hi' })));
    expect(server).toMatchObject({ code: 'TEMPORARY', retryable: true, status: 500 });
    expect(stub.requests).toHaveLength(2);
  });

  it('a 200 whose body is not JSON → TEMPORARY', async () => {
    stub.reply({ raw: '{"choices": [ truncated' });
    const err = await failure(openaiAt(stub.url).call(generate({ prompt: 'hi' })));
    expect(err).toMatchObject({ code: 'TEMPORARY', retryable: true });
    expect(err.message).toMatch(/not JSON/);
  });

  it('a server that cannot be reached → TEMPORARY; an aborted call → TEMPORARY', async () => {
    const down = await failure(openaiAt(await refusedUrl()).call(generate({ prompt: 'hi' })));
    expect(down).toMatchObject({ code: 'TEMPORARY', retryable: true });
    expect(down.message).toMatch(/cannot reach OpenAI/);

    stub.reply({ hang: true });
    const ac = new AbortController();
    const pending = failure(openaiAt(stub.url).call(generate({ prompt: 'hi' }), ac.signal));
    await stub.received(1);
    ac.abort();
    expect(await pending).toMatchObject({ code: 'TEMPORARY' });
  });

  it('is configured by a key OR a base URL, so a keyless OpenAI-compatible server works', async () => {
    const d = { timeoutMs: 1000, maxConcurrency: 1 };
    const settings = (env: Record<string, string>) =>
      resolveProviderSettings(OPENAI_METADATA, env, d, new OpenAiProvider());
    expect(settings({}).configured).toBe(false);
    expect(settings({ OPENAI_API_KEY: 'k' }).configured).toBe(true);
    expect(settings({ OPENAI_BASE_URL: 'http://127.0.0.1:11434/v1' }).configured).toBe(true);
    expect(settings({ OPENAI_API_KEY: 'k', OPENAI_ENABLED: 'false' }).configured).toBe(false);

    stub.reply({ json: fixture('openai', 'chat-json') });
    const { call } = openaiAt(stub.url, { OPENAI_MODEL: 'llama3.1:8b' });
    const r = await call(generate({ prompt: 'Acme Corp, acme.com', schema: SCHEMA }));
    expect(stub.requests[0].body.model).toBe('llama3.1:8b');
    expect(stub.requests[0].headers.authorization).toBe('Bearer not-needed');
    expect((r.data as LlmGenerateOutput).json).toEqual({ name: 'Acme Corp', domain: 'acme.com' });
  });

  it('the worst case prices the model that will answer and the output bound sent', () => {
    const adapter = new OpenAiProvider();
    const s = resolveProviderSettings(
      OPENAI_METADATA,
      { OPENAI_API_KEY: 'k' },
      { timeoutMs: 1000, maxConcurrency: 1 },
      adapter,
    );
    const input = { prompt: 'hello', maxOutputTokens: 1000 };
    const tokens = (i: unknown) => Math.ceil(JSON.stringify(i).length / 4);
    expect(adapter.estimateMaxCostUsd(generate(input), s.cost, s)).toBeCloseTo(
      (tokens(input) * 0.15 + 1000 * 0.6) / 1e6,
      10,
    );
    const search = { ...input, webSearch: true };
    expect(adapter.estimateMaxCostUsd(generate(search), s.cost, s)).toBeCloseTo(
      0.0275 + (tokens(search) * 0.15 + 1000 * 0.6) / 1e6,
      10,
    );
    const big = { prompt: 'hello', model: 'gpt-4o' };
    expect(adapter.estimateMaxCostUsd(generate(big), s.cost, s)).toBeCloseTo(
      (tokens(big) * 2.5 + 4096 * 10) / 1e6,
      10,
    );
  });
});
