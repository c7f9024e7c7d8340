import { randomBytes, randomUUID } from 'node:crypto';
import request from 'supertest';
import { authHeaders, startTestApp, TestApp, waitFor } from '../support/test-app';
import { fixture, VendorStub } from '../support/vendor-stub';
import { Answer, columnAnswer, LlmAsk, llmBehaviour } from './llm-stub';

type Json = Record<string, any>;
const TENANT = `tenant-cc-vendors-${randomBytes(4).toString('hex')}`;

/** Per company name: a script of answers, one per request about it (the last repeats). */
const scripts: Record<string, Answer[]> = {
  'Gemini Valid': [columnAnswer(42, 0.9)],
  'Gemini Malformed': [{ text: 'Sure! {"value": 7, "confidence' }, columnAnswer(7, 0.5)],
  'Gemini Limited': [{ status: 429 }, columnAnswer(12, 0.6)],
  'Gemini Blocked': [{ body: fixture('gemini', 'generate-blocked-prompt') }],
  'Gemini Outside': [columnAnswer(5000, 0.9)],
  'Sonar Valid': [columnAnswer(3, 0.7, ['https://sonar.example/a'])],
  'Sonar Malformed': [{ text: 'no json here' }, { text: '{"value": ' }],
  'Sonar Limited': [{ status: 429 }, columnAnswer(8, 0.8, ['https://sonar.example/b'])],
};
const seen: Record<string, number> = {};

function answer(a: LlmAsk): Answer {
  const name = Object.keys(scripts).find((n) => a.text.includes(n));
  if (!name) return { status: 400 };
  const i = seen[name] ?? 0;
  seen[name] = i + 1;
  return scripts[name][Math.min(i, scripts[name].length - 1)];
}

/**
 * The seed route against the Gemini and Perplexity shapes on loopback: schema-valid JSON,
 * malformed JSON (repaired, or not), a blocked prompt, a value outside the column's bounds, and
 * 429s retried by the platform — each entity ends on its own, the others continue.
 */
describe('custom_column against the Gemini and Perplexity shapes', () => {
  let t: TestApp;
  let llm: VendorStub;
  const http = () => request(t.app.getHttpServer());

  beforeAll(async () => {
    llm = await VendorStub.start(llmBehaviour(answer));
    t = await startTestApp({
      GEMINI_API_KEY: 'test-gemini-key-columns-vendors',
      GEMINI_BASE_URL: llm.url,
      PERPLEXITY_API_KEY: 'test-pplx-key-columns-vendors',
      PERPLEXITY_BASE_URL: llm.url,
      PROVIDER_RETRY_BASE_MS: '10',
    });
  });
  afterAll(async () => {
    await t?.close();
    await llm?.close();
  });

  const run = async (model: string, names: string[], aiExtra: Json = {}) => {
    const ids = names.map((n) => `${n.replace(' ', '-')}-${randomUUID().slice(0, 6)}`);
    const res = await http()
      .post('/api/v1/tasks/create/custom_column')
      .set(authHeaders)
      .send({
        column_id: `headcount-${model}-${randomUUID().slice(0, 6)}`,
        entity_ids: ids,
        column_config: {
          question: 'How many offices does this company have?',
          response_type: 'number',
          response_config: { min: 0, max: 1000, unit: 'offices' },
        },
        context_data: Object.fromEntries(
          ids.map((id, i) => [id, { account_info: { name: names[i] } }]),
        ),
        ai_config: { model, ...aiExtra },
        tenant_id: TENANT,
      })
      .expect(200);
    const task = await waitFor(async () => {
      const r = await http()
        .get(`/api/v1/tasks/${res.body.assay_task_id}`)
        .set(authHeaders)
        .expect(200);
      return r.body.status === 'succeeded' ? r.body : null;
    }, 'the column task');
    return Object.fromEntries(
      (task.result.values as Json[]).map((v) => [names[ids.indexOf(v.entity_id)], v]),
    );
  };

  it('Gemini: valid, repaired, rate-limited then answered, blocked, out of bounds', async () => {
    const v = await run('gemini-2.5-flash', [
      'Gemini Valid',
      'Gemini Malformed',
      'Gemini Limited',
      'Gemini Blocked',
      'Gemini Outside',
    ]);
    expect(v['Gemini Valid']).toMatchObject({
      value_number: 42,
      status: 'completed',
      provenance: { provider: 'gemini', model: 'gemini-2.5-flash', repaired: false },
    });
    expect(v['Gemini Malformed']).toMatchObject({
      value_number: 7,
      provenance: { repaired: true, llm_calls: 2 },
    });
    expect(v['Gemini Limited']).toMatchObject({ value_number: 12, status: 'completed' });
    expect(v['Gemini Blocked']).toMatchObject({
      status: 'error',
      error_details: { error: expect.stringContaining('Gemini blocked the prompt') },
    });
    expect(v['Gemini Outside']).toMatchObject({
      status: 'error',
      error_details: {
        code: 'INVALID_ANSWER',
        error: expect.stringContaining('above the maximum 1000'),
      },
    });
    const paths = new Set(llm.requests.map((r) => r.path));
    expect(paths).toContain('/v1beta/models/gemini-2.5-flash:generateContent');
  });

  it('Perplexity with web search: sources kept, malformed twice fails, 429 retried', async () => {
    const v = await run('sonar', ['Sonar Valid', 'Sonar Malformed', 'Sonar Limited'], {
      use_internet: true,
    });
    expect(v['Sonar Valid']).toMatchObject({
      value_number: 3,
      status: 'completed',
      provenance: { provider: 'perplexity' },
    });
    expect(v['Sonar Valid'].sources).toContain('https://sonar.example/a');
    expect(v['Sonar Malformed']).toMatchObject({
      status: 'error',
      error_details: { code: 'INVALID_ANSWER', error: expect.stringContaining('not valid JSON') },
    });
    expect(v['Sonar Limited']).toMatchObject({ value_number: 8, status: 'completed' });
    expect(llm.requests.some((r) => r.path.startsWith('/v1/agent') && r.status === 429)).toBe(true);
  });
});
