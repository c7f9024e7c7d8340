import { costOf } from '../../src/providers/core/cost';
import type { ProviderRequest } from '../../src/providers/core/enrichment-provider';
import { ProviderError } from '../../src/providers/core/provider-error';
import { resolveProviderSettings } from '../../src/providers/core/provider-settings';
import { GEMINI_METADATA, GeminiProvider } from '../../src/providers/gemini/gemini.provider';
import type { LlmEmbedOutput, LlmGenerateOutput } from '../../src/providers/llm/llm.types';
import { shareUndiciDispatcherWithJest } from '../support/undici-in-jest';
import { adapterAt, failure } from '../support/adapters';
import { fixture, refusedUrl, VendorStub } from '../support/vendor-stub';

shareUndiciDispatcherWithJest();

const KEY = 'test-gemini-key';
const SCHEMA = {
  type: 'object',
  properties: { name: { type: 'string' }, domain: { type: 'string' } },
  required: ['name', 'domain'],
};

const geminiAt = (baseUrl: string, env: Record<string, string> = {}) =>
  adapterAt(new GeminiProvider(), { GEMINI_API_KEY: KEY, GEMINI_BASE_URL: baseUrl, ...env });

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

describe('Gemini adapter (@google/genai against a local stub)', () => {
  let stub: VendorStub;
  beforeAll(async () => {
    stub = await VendorStub.start();
  });
  afterAll(() => stub.close());
  beforeEach(() => stub.reset());

  it('asks for JSON with the caller schema and returns the parsed answer, usage and its cost', async () => {
    stub.reply({ json: fixture('gemini', 'generate-json') });
    const { call, settings } = geminiAt(stub.url);
    const r = await call(
      generate({
        prompt: 'Extract company name and domain from: Acme Corp, acme.com',
        system: 'You are an extraction engine.',
        schema: SCHEMA,
        temperature: 0,
        maxOutputTokens: 512,
      }),
    );

    const req = stub.requests[0];
    expect(req.method).toBe('POST');
    expect(req.path).toBe('/v1beta/models/gemini-2.5-flash:generateContent');
    expect(req.headers['x-goog-api-key']).toBe(KEY);
    expect(req.body.contents).toEqual([
      {
        role: 'user',
        parts: [{ text: 'Extract company name and domain from: Acme Corp, acme.com' }],
      },
    ]);
    expect(req.body.systemInstruction.parts[0].text).toBe('You are an extraction engine.');
    expect(req.body.generationConfig).toMatchObject({
      temperature: 0,
      maxOutputTokens: 512,
      responseMimeType: 'application/json',
      responseJsonSchema: SCHEMA,
    });
    expect(req.body.tools).toBeUndefined();

    const data = r.data as LlmGenerateOutput;
    expect(r.found).toBe(true);
    // The thought part is not part of the answer.
    expect(data.text).toBe('{"name": "Acme Corp", "domain": "acme.com"}');
    expect(data.json).toEqual({ name: 'Acme Corp', domain: 'acme.com' });
    expect(data.finishReason).toBe('stop');
    // Thinking tokens are billed as output.
    expect(r.usage).toEqual({ inputTokens: 42, outputTokens: 115 });
    expect(r.model).toBe('gemini-2.5-flash');
    expect(costOf(settings.cost, r, settings.model)).toBeCloseTo((42 * 0.3 + 115 * 2.5) / 1e6, 10);
  });

  it('grounds in Google Search: sends the tool, returns the cited URLs and bills the grounded prompt', async () => {
    stub.reply({ json: fixture('gemini', 'generate-grounded') });
    const { call, settings } = geminiAt(stub.url, { GEMINI_MODEL: 'gemini-2.5-pro' });
    const r = await call(generate({ prompt: 'Who founded Acme Corp?', webSearch: true }));

    const req = stub.requests[0];
    expect(req.path).toBe('/v1beta/models/gemini-2.5-pro:generateContent');
    expect(req.body.tools).toEqual([{ googleSearch: {} }]);
    expect(req.body.generationConfig.responseMimeType).toBeUndefined();

    const data = r.data as LlmGenerateOutput;
    expect(data.text).toBe('Acme Corp was founded in 2012 by Jane Doe.');
    expect(data.citations).toEqual([
      'https://acme.com/about',
      'https://en.wikipedia.org/wiki/Acme',
    ]);
    expect(r.sources).toEqual(data.citations);
    expect(r.usage).toEqual({ inputTokens: 210, outputTokens: 12, results: 1 });
    expect(costOf(settings.cost, r, settings.model)).toBeCloseTo(
      0.035 + (210 * 1.25 + 12 * 10) / 1e6,
      10,
    );
  });

  it('with a schema and web search, asks for the JSON in the instructions (JSON mode and Search do not mix)', async () => {
    stub.reply({ json: fixture('gemini', 'generate-json') });
    const { call } = geminiAt(stub.url);
    const r = await call(generate({ prompt: 'Acme Corp?', schema: SCHEMA, webSearch: true }));
    const req = stub.requests[0];
    expect(req.body.tools).toEqual([{ googleSearch: {} }]);
    expect(req.body.generationConfig.responseMimeType).toBeUndefined();
    expect(req.body.generationConfig.responseJsonSchema).toBeUndefined();
    expect(req.body.systemInstruction.parts[0].text).toContain(JSON.stringify(SCHEMA));
    expect((r.data as LlmGenerateOutput).json).toEqual({ name: 'Acme Corp', domain: 'acme.com' });
  });

  it('a thinking budget goes to generationConfig.thinkingConfig (custom columns: ai_config.thinking_budget)', async () => {
    const answer = { json: fixture('gemini', 'generate-json') };
    stub.reply(answer, answer);
    const { call } = geminiAt(stub.url);
    await call(generate({ prompt: 'Think briefly.', thinkingBudget: 0 }));
    await call(generate({ prompt: 'Think more.', thinkingBudget: 2048 }));
    const [a, b] = stub.requests.slice(-2);
    expect(a.body.generationConfig.thinkingConfig).toEqual({ thinkingBudget: 0 });
    expect(b.body.generationConfig.thinkingConfig).toEqual({ thinkingBudget: 2048 });
  });

  it('returns a truncated answer with finishReason "length"', async () => {
    stub.reply({ json: fixture('gemini', 'generate-max-tokens') });
    const r = await geminiAt(stub.url).call(generate({ prompt: 'Describe Acme Corp' }));
    expect(r.data).toMatchObject({ text: 'Acme Corp is a company that', finishReason: 'length' });
  });

  it('embeds through :batchEmbedContents with the configured model and dimensions', async () => {
    stub.reply({ json: fixture('gemini', 'embed') });
    const { call, settings } = geminiAt(stub.url, { GEMINI_EMBED_MODEL: 'gemini-embedding-001' });
    const r = await call(embed({ texts: ['Acme Corp', 'acme.com'], dimensions: 3 }));

    const req = stub.requests[0];
    expect(req.path).toBe('/v1beta/models/gemini-embedding-001:batchEmbedContents');
    expect(req.headers['x-goog-api-key']).toBe(KEY);
    expect(req.body.requests).toHaveLength(2);
    expect(req.body.requests[0]).toMatchObject({
      model: 'models/gemini-embedding-001',
      content: { parts: [{ text: 'Acme Corp' }] },
      outputDimensionality: 3,
    });
    expect((r.data as LlmEmbedOutput).vectors).toEqual([
      [0.0123, -0.0456, 0.0789],
      [0.0011, 0.0222, -0.0333],
    ]);
    expect(r.model).toBe('gemini-embedding-001');
    // No usage on embeddings: priced at ≈ 4 characters a token (3 + 2 tokens) at $0.15/M.
    expect(costOf(settings.cost, r, settings.model)).toBeCloseTo((5 * 0.15) / 1e6, 10);
  });

  it('429 RESOURCE_EXHAUSTED → RATE_LIMITED with the RetryInfo delay, and the SDK does not retry', async () => {
    stub.reply({ status: 429, json: fixture('gemini', 'error-429') });
    const err = await failure(geminiAt(stub.url).call(generate({ prompt: 'hi' })));
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({
      code: 'RATE_LIMITED',
      retryable: true,
      retryAfterMs: 37_000,
      status: 429,
    });
    expect(err.message).toContain('RESOURCE_EXHAUSTED');
    expect(stub.requests).toHaveLength(1);
  });

  it('an invalid key (400 API_KEY_INVALID or 401) → AUTH, not retried', async () => {
    stub.reply(
      { status: 400, json: fixture('gemini', 'error-api-key-invalid') },
      { status: 401, json: fixture('gemini', 'error-401') },
    );
    const { call } = geminiAt(stub.url);
    for (const _ of [1, 2]) {
      const err = await failure(call(generate({ prompt: 'hi' })));
      expect(err).toMatchObject({ code: 'AUTH', retryable: false });
      expect(err.message).toContain('GEMINI_API_KEY');
    }
    expect(stub.requests).toHaveLength(2);
  });

  it('500 INTERNAL → TEMPORARY (retryable by the platform), one request only', async () => {
    stub.reply({ status: 500, json: fixture('gemini', 'error-500') });
    const err = await failure(geminiAt(stub.url).call(generate({ prompt: 'hi' })));
    expect(err).toMatchObject({ code: 'TEMPORARY', retryable: true, status: 500 });
    expect(stub.requests).toHaveLength(1);
  });

  it('a 200 whose body is not JSON → TEMPORARY', async () => {
    stub.reply({ raw: '{"candidates": [ truncated' });
    const err = await failure(geminiAt(stub.url).call(generate({ prompt: 'hi' })));
    expect(err).toMatchObject({ code: 'TEMPORARY', retryable: true });
    expect(err.message).toMatch(/not JSON/);
  });

  it('a blocked prompt or a SAFETY stop → BAD_INPUT, not retried', async () => {
    stub.reply(
      { json: fixture('gemini', 'generate-blocked-prompt') },
      { json: fixture('gemini', 'generate-safety') },
    );
    const { call } = geminiAt(stub.url);
    const blocked = await failure(call(generate({ prompt: 'something prohibited' })));
    expect(blocked).toMatchObject({ code: 'BAD_INPUT', retryable: false });
    expect(blocked.message).toContain('PROHIBITED_CONTENT');
    const safety = await failure(call(generate({ prompt: 'something unsafe' })));
    expect(safety).toMatchObject({ code: 'BAD_INPUT', retryable: false });
    expect(safety.message).toContain('SAFETY');
  });

  it('a server that cannot be reached → TEMPORARY', async () => {
    const err = await failure(geminiAt(await refusedUrl()).call(generate({ prompt: 'hi' })));
    expect(err).toMatchObject({ code: 'TEMPORARY', retryable: true });
    expect(err.message).toMatch(/cannot reach Gemini/);
  });

  it('aborting the call signal cuts the request', async () => {
    stub.reply({ hang: true });
    const ac = new AbortController();
    const pending = failure(geminiAt(stub.url).call(generate({ prompt: 'hi' }), ac.signal));
    await stub.received(1);
    ac.abort();
    expect(await pending).toMatchObject({ code: 'TEMPORARY' });
  });

  it('is configured only with GEMINI_API_KEY; the worst case prices the model, output bound and grounding', () => {
    const adapter = new GeminiProvider();
    const d = { timeoutMs: 1000, maxConcurrency: 1 };
    expect(resolveProviderSettings(GEMINI_METADATA, {}, d, adapter).configured).toBe(false);
    const s = resolveProviderSettings(GEMINI_METADATA, { GEMINI_API_KEY: 'k' }, d, adapter);
    expect(s.configured).toBe(true);

    const input = { prompt: 'x'.repeat(396), maxOutputTokens: 1000 };
    const inputTokens = Math.ceil(JSON.stringify(input).length / 4);
    expect(adapter.estimateMaxCostUsd(generate(input), s.cost, s)).toBeCloseTo(
      (inputTokens * 0.3 + 1000 * 2.5) / 1e6,
      10,
    );
    const grounded = { ...input, model: 'gemini-2.5-pro', webSearch: true };
    const groundedTokens = Math.ceil(JSON.stringify(grounded).length / 4);
    expect(adapter.estimateMaxCostUsd(generate(grounded), s.cost, s)).toBeCloseTo(
      0.035 + (groundedTokens * 1.25 + 1000 * 10) / 1e6,
      10,
    );
    // Embeddings: input only, at the embedding model's price.
    expect(adapter.estimateMaxCostUsd(embed({ texts: ['abcd', 'efgh'] }), s.cost, s)).toBeCloseTo(
      (2 * 0.15) / 1e6,
      10,
    );
  });
});
