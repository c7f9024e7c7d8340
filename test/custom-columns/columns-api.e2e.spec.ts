import { randomBytes, randomUUID } from 'node:crypto';
import request from 'supertest';
import { authHeaders, startTestApp, TestApp } from '../support/test-app';
import { VendorStub } from '../support/vendor-stub';
import { Answer, columnAnswer, LlmAsk, llmBehaviour } from './llm-stub';

type Json = Record<string, any>;
const TENANT = `tenant-cc-api-${randomBytes(4).toString('hex')}`;
const sfx = randomUUID().slice(0, 6);
const col = (name: string) => `${name}-${sfx}`;

function answer(a: LlmAsk): Answer {
  if (a.vendor === 'openai')
    return columnAnswer(1200, 0.8, [], 'The About page says 1,200 people.');
  if (a.vendor === 'gemini') {
    if (a.factCheck)
      return {
        json: {
          validation_status: 'validated_incorrect',
          confidence: 0.9,
          validation_notes: 'The company moved its headquarters in 2025.',
          corrected_answer: 'Berlin',
          sources: ['https://news.example/globex-moves'],
        },
      };
    if (a.text.includes('headquarters'))
      return columnAnswer('Munich', 0.8, ['https://globex.example/about']);
    return columnAnswer('Mid-Market', 0.7);
  }
  return {
    text: [
      '**Answer:** Lead with the mid-market rollout story',
      '**Confidence:** Medium',
      '**Rationale:** The segment is Mid-Market.',
      '**Sources:**',
      'https://globex.example/news',
    ].join('\n'),
  };
}

/**
 * The typed routes: stored definitions with dependencies (cycles and unknown references refused),
 * model routing to three vendors' shapes and to a model the OpenAI-compatible server lists (also
 * as COLUMNS_DEFAULT_MODEL), a run that computes what its question cites first, unstructured
 * answers, validate_with_search, and stored values.
 */
describe('columns API (typed routes, dependencies, model routing)', () => {
  let t: TestApp;
  let llm: VendorStub;
  const http = () => request(t.app.getHttpServer());
  const define = (body: Json) =>
    http()
      .post('/api/v1/columns')
      .set(authHeaders)
      .send({ tenant_id: TENANT, ...body });

  beforeAll(async () => {
    llm = await VendorStub.start(llmBehaviour(answer, ['local-llama']));
    t = await startTestApp({
      OPENAI_BASE_URL: `${llm.url}/v1`,
      OPENAI_API_KEY: 'test-openai-key-columns-api',
      GEMINI_API_KEY: 'test-gemini-key-columns-api',
      GEMINI_BASE_URL: llm.url,
      PERPLEXITY_API_KEY: 'test-pplx-key-columns-api',
      PERPLEXITY_BASE_URL: llm.url,
      COLUMNS_DEFAULT_MODEL: 'local-llama',
      PROVIDER_RETRY_BASE_MS: '10',
    });
  });
  afterAll(async () => {
    await t?.close();
    await llm?.close();
  });

  it('defines columns; refuses unknown references, cycles and unknown models naming the field', async () => {
    const size = await define({
      column_id: col('size'),
      name: 'Employees',
      question: 'How many employees does this company have?',
      response_type: 'number',
      response_config: { min: 0, max: 10_000_000, unit: 'employees' },
    }).expect(201);
    expect(size.body).toMatchObject({
      column_id: col('size'),
      depends_on: [],
      source: 'api',
      tenant_id: TENANT,
    });
    await define({
      column_id: col('segment'),
      name: 'Segment',
      question: `With {{column:${col('size')}}} employees, which segment is this company in?`,
      response_type: 'enum',
      response_config: { allowed_values: ['SMB', 'Mid-Market', 'Enterprise'] },
      ai_config: { model: 'gemini-2.5-flash' },
    }).expect(201);
    const pitch = await define({
      column_id: col('pitch'),
      name: 'Opening line',
      question: `The company is {{column:${col('segment')}}}. What should a first email lead with?`,
      response_type: 'string',
      response_config: { max_length: 300 },
      ai_config: { model: 'sonar', use_internet: true, unstructured_response: true },
    }).expect(201);
    expect(pitch.body.depends_on).toEqual([col('segment')]);

    const cycle = await define({
      column_id: col('size'),
      question: `Given {{column:${col('pitch')}}}, how many employees?`,
      response_type: 'number',
      response_config: {},
    }).expect(400);
    expect(cycle.body.errors).toEqual([
      {
        field: 'question',
        message: `the question's column references form a cycle: ${col('size')} → ${col('pitch')} → ${col('segment')} → ${col('size')}`,
      },
    ]);
    const unknownRef = await define({
      column_id: col('x'),
      question: 'Is {{column:nope}} true?',
      response_type: 'boolean',
      response_config: {},
    }).expect(400);
    expect(unknownRef.body.errors[0]).toMatchObject({
      field: 'question',
      message: expect.stringContaining('{{column:nope}}'),
    });
    const model = await define({
      column_id: col('x'),
      question: 'Is it B2B?',
      response_type: 'boolean',
      response_config: {},
      ai_config: { model: 'claude-3-opus' },
    }).expect(400);
    expect(model.body.errors[0].field).toBe('ai_config.model');
    expect(model.body.errors[0].message).toContain('local-llama (OpenAI-compatible server)');

    const list = await http()
      .get(`/api/v1/columns?tenant_id=${TENANT}`)
      .set(authHeaders)
      .expect(200);
    expect(list.body.items.map((c: Json) => c.column_id)).toEqual(
      [col('pitch'), col('segment'), col('size')].sort(),
    );
    await http().post(`/api/v1/columns/no-such-${sfx}/run`).set(authHeaders).send({}).expect(404);
  });

  it('a run computes what its question cites first, routing each column to its model', async () => {
    const entity = `acct-${sfx}`;
    const res = await http()
      .post(`/api/v1/columns/${col('pitch')}/run?wait=30`)
      .set(authHeaders)
      .send({
        tenant_id: TENANT,
        entity_ids: [entity],
        context_data: { [entity]: { account_info: { name: 'Globex Systems' } } },
      })
      .expect(200);
    expect(res.body.status).toBe('succeeded');
    const [v] = res.body.result.values;
    expect(v).toMatchObject({
      column_id: col('pitch'),
      entity_id: entity,
      value_string: 'Lead with the mid-market rollout story',
      confidence_score: 0.5,
      rationale: 'The segment is Mid-Market.',
      status: 'completed',
      provenance: { provider: 'perplexity', model: 'sonar' },
    });
    expect(v.sources).toContain('https://globex.example/news');
    // size (env default model on the compatible server) → segment (Gemini) → pitch (Perplexity).
    const calls = llm.requests.filter((r) => r.method === 'POST');
    const openai = calls.find((r) => r.path.startsWith('/v1/chat/completions'))!;
    expect(openai.body.model).toBe('local-llama');
    const gemini = calls.find((r) => r.path === '/v1beta/models/gemini-2.5-flash:generateContent')!;
    expect(JSON.stringify(gemini.body)).toContain('With 1200 employees');
    const pplx = calls.find((r) => r.path.startsWith('/v1/agent'))!;
    expect(JSON.stringify(pplx.body)).toContain('The company is Mid-Market.');
    expect(res.body.result.llm_calls).toBe(3);

    const sizes = await http()
      .get(`/api/v1/columns/${col('size')}/values?tenant_id=${TENANT}`)
      .set(authHeaders)
      .expect(200);
    expect(sizes.body.items).toEqual([
      expect.objectContaining({
        entity_id: entity,
        value_number: 1200,
        status: 'completed',
        provenance: expect.objectContaining({ provider: 'openai', model: 'local-llama' }),
      }),
    ]);
    // Stored dependency values are used, not asked again.
    const before = llm.requests.length;
    const again = await http()
      .post(`/api/v1/columns/${col('pitch')}/run?wait=30`)
      .set(authHeaders)
      .send({
        tenant_id: TENANT,
        entity_ids: [entity],
        context_data: { [entity]: { account_info: { name: 'Globex Systems' } } },
        refresh: true,
      })
      .expect(200);
    expect(again.body.result.llm_calls).toBe(1);
    expect(llm.requests.length).toBe(before + 1);
  });

  it('validate_with_search checks the answer on the web and corrects it (A6)', async () => {
    await define({
      column_id: col('hq'),
      question: 'In which city are the company headquarters?',
      response_type: 'string',
      response_config: {},
      ai_config: { model: 'gemini-2.5-flash', use_internet: true, validate_with_search: true },
    }).expect(201);
    const entity = `acct-hq-${sfx}`;
    const res = await http()
      .post(`/api/v1/columns/${col('hq')}/run?wait=30`)
      .set(authHeaders)
      .send({
        tenant_id: TENANT,
        entity_ids: [entity],
        context_data: { [entity]: { account_info: { name: 'Globex Systems' } } },
      })
      .expect(200);
    const [v] = res.body.result.values;
    expect(v).toMatchObject({
      value_string: 'Berlin',
      confidence_score: 0.6,
      status: 'completed',
      search_validation: { validation_status: 'validated_incorrect', validation_confidence: 0.9 },
      error_details: {
        search_validation: expect.objectContaining({ validation_status: 'validated_incorrect' }),
      },
    });
    expect(v.rationale).toMatch(/^\*\*Validation:\*\* validated incorrect\. The company moved/);
    expect(v.sources).toEqual([
      'https://globex.example/about',
      'https://news.example/globex-moves',
    ]);
    expect(v.provenance.llm_calls).toBe(2);
  });

  it('a dry run prices each entity by the routed model and stores nothing', async () => {
    const before = llm.requests.filter((r) => r.method === 'POST').length;
    const res = await http()
      .post(`/api/v1/columns/${col('size')}/run`)
      .set(authHeaders)
      .send({
        tenant_id: TENANT,
        entity_ids: ['a', 'b', 'c'],
        context_data: { a: { account_info: { name: 'A' } } },
        dry_run: true,
      })
      .expect(200);
    expect(res.body).toMatchObject({ dry_run: true, task_name: 'custom_column' });
    expect(res.body.estimate.calls).toBe(6);
    expect(res.body.estimate.cost_max_usd).toBeGreaterThan(0);
    expect(res.body.estimate.notes[0]).toContain('openai (local-llama)');
    expect(llm.requests.filter((r) => r.method === 'POST').length).toBe(before);
  });

  it('run bodies are validated after the column is found (400 naming the field)', async () => {
    const res = await http()
      .post(`/api/v1/columns/${col('size')}/run`)
      .set(authHeaders)
      .send({ tenant_id: TENANT, entity_ids: [], context_data: {} })
      .expect(400);
    expect(res.body.errors.map((e: Json) => e.field)).toEqual(['entity_ids']);
  });
});
