import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { ProviderClient } from '../../src/providers/core/provider-client';
import { ProviderError } from '../../src/providers/core/provider-error';
import { LlmService } from '../../src/providers/llm/llm.service';
import { authHeaders, startTestApp, TestApp } from '../support/test-app';
import { fixture, VendorStub } from '../support/vendor-stub';

const SCHEMA = {
  type: 'object',
  properties: { name: { type: 'string' }, domain: { type: 'string' } },
  required: ['name', 'domain'],
};
const VALID = '{"name":"Acme Corp","domain":"acme.com"}';
/** gpt-4o-mini price of the fixture's usage (31 in, 12 out). */
const CALL_COST = (31 * 0.15 + 12 * 0.6) / 1e6;

/** The recorded chat completion with another answer in it. */
function chat(content: string) {
  const body = fixture('openai', 'chat-json');
  body.choices[0].message.content = content;
  return { json: body };
}

describe('structured LLM output through the real call path (booted app, OpenAI-compatible stub)', () => {
  let stub: VendorStub;
  let t: TestApp;
  let llm: LlmService;

  beforeAll(async () => {
    stub = await VendorStub.start();
    t = await startTestApp({
      OPENAI_BASE_URL: `${stub.url}/v1`,
      OPENAI_API_KEY: 'test-openai-key-e2e',
    });
    llm = t.app.get(LlmService);
  });
  afterAll(async () => {
    await t?.close();
    await stub?.close();
  });
  beforeEach(() => stub.reset());

  const input = (what: string) => ({
    prompt: `Extract the company from: Acme Corp, acme.com (${what} ${randomUUID()})`,
    schema: SCHEMA,
    schemaName: 'company',
    temperature: 0,
  });

  it('lists the three LLM providers; only the one with a base URL and key is configured', async () => {
    const res = await request(t.app.getHttpServer())
      .get('/api/v1/providers')
      .set(authHeaders)
      .expect(200);
    const view = (id: string) => res.body.find((p: { id: string }) => p.id === id);
    expect(view('openai')).toMatchObject({
      configured: true,
      base_url: `${stub.url}/v1`,
      model: 'gpt-4o-mini',
      capabilities: ['llm.generate', 'llm.embed'],
    });
    expect(view('gemini')).toMatchObject({ configured: false });
    expect(view('perplexity')).toMatchObject({
      configured: false,
      capabilities: ['llm.generate', 'web.search'],
    });
    expect(stub.requests).toHaveLength(0);
  });

  it('repairs a schema-violating first answer with a second request that shows the model its errors', async () => {
    stub.reply(chat('{"name": 42}'), chat(VALID));
    const a = await llm.generateStructured(input('repair'), {}, 'openai');

    expect(a).toMatchObject({
      value: { name: 'Acme Corp', domain: 'acme.com' },
      provider: 'openai',
      model: 'gpt-4o-mini',
      repaired: true,
    });
    expect(a.cost_usd).toBeCloseTo(2 * CALL_COST, 10);
    expect(stub.requests).toHaveLength(2);
    const second = stub.requests[1].body;
    const repairPrompt: string = second.messages.at(-1).content;
    expect(repairPrompt).toContain('Your previous answer was:\n{"name": 42}');
    expect(repairPrompt).toMatch(/\/name must be string/);
    expect(repairPrompt).toMatch(/must have required property 'domain'/);
    expect(second.response_format.json_schema).toEqual({
      name: 'company',
      schema: SCHEMA,
      strict: false,
    });
  });

  it('two schema-violating answers give a clear, non-retryable error (and no third request)', async () => {
    stub.reply(chat('{"name": 42}'), chat('not json at all'));
    const err = await llm.generateStructured(input('hopeless'), {}, 'openai').then(
      () => {
        throw new Error('expected generateStructured to fail');
      },
      (e: unknown) => e as ProviderError,
    );
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ code: 'BAD_INPUT', retryable: false, providerId: 'openai' });
    expect(err.message).toMatch(
      /does not match the schema, even after one repair attempt: the answer is not JSON/,
    );
    expect(stub.requests).toHaveLength(2);
  });

  it('an identical second call is a cache hit: no request reaches the vendor, the ledger records cached=true', async () => {
    stub.reply(chat(VALID));
    const ask = input('cache');
    // Through the llm.generate waterfall: openai is the only configured LLM provider.
    const first = await llm.generateStructured(ask);
    const again = await llm.generateStructured(ask);

    expect(stub.requests).toHaveLength(1);
    expect(first).toMatchObject({
      value: { name: 'Acme Corp', domain: 'acme.com' },
      repaired: false,
    });
    expect(first.cost_usd).toBeCloseTo(CALL_COST, 10);
    expect(again.value).toEqual(first.value);
    expect(again.cost_usd).toBe(0);
    expect(again.steps).toEqual([
      { provider: 'openai', outcome: 'accepted', cost_usd: 0, cached: true },
    ]);

    const rows = await t.app.get(DataSource).query(
      `SELECT outcome, cached, cost_usd::float AS cost_usd, model FROM provider_calls
          WHERE provider = 'openai' AND fingerprint = $1 ORDER BY id`,
      [ProviderClient.fingerprint('openai', 'generate', ask)],
    );
    expect(rows).toEqual([
      {
        outcome: 'ok',
        cached: false,
        cost_usd: expect.closeTo(CALL_COST, 6),
        model: 'gpt-4o-mini',
      },
      { outcome: 'cache_hit', cached: true, cost_usd: 0, model: 'gpt-4o-mini' },
    ]);
  });
});
