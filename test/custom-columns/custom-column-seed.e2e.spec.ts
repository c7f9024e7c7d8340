import { randomBytes, randomUUID } from 'node:crypto';
import request from 'supertest';
import { DjangoReceiver } from '../seed-contract/django-receiver';
import { SEED_TYPES } from '../seed-contract/seed-contract';
import { authHeaders, startTestApp, TestApp, waitFor } from '../support/test-app';
import { VendorStub } from '../support/vendor-stub';
import { Answer, columnAnswer, LlmAsk, llmBehaviour } from './llm-stub';

type Json = Record<string, any>;
const SECRET = `whsec_${randomBytes(32).toString('base64')}`;
const TENANT = `tenant-cc-seed-${randomBytes(4).toString('hex')}`;
const ALLOWED = ['SMB', 'Mid-Market', 'Enterprise'];

/** Per company name in the entity context: how the OpenAI-compatible stub answers. */
const script: Record<string, (a: LlmAsk) => Answer> = {
  'Alpha Robotics': () => columnAnswer('Enterprise', 0.9, [], 'It has **12,000** staff.'),
  // Malformed JSON first; the repair attempt answers properly.
  'Beta Foods': (a) => (a.repair ? columnAnswer('smb', 0.6) : { text: '{"value": "SMB", "confid' }),
  // Outside the allowed values twice: the entity fails, the others continue.
  'Gamma Mining': () => columnAnswer('Huge', 0.7),
  'Delta Health': () => ({ refusal: "I'm sorry, I can't help with that." }),
  // A 429 once: the platform retries it.
  'Epsilon Labs': (() => {
    let n = 0;
    return () => (n++ === 0 ? { status: 429, retryAfter: '0' } : columnAnswer('Mid-Market', 0.7));
  })(),
};

function answer(a: LlmAsk): Answer {
  const name = Object.keys(script).find((n) => a.text.includes(n));
  return name ? script[name](a) : { status: 400 };
}

/**
 * custom_column through the seed route as Django sends it, against an OpenAI-compatible stub on
 * loopback: every callback checked field by field, the client's job id echoed, valid, repaired,
 * invalid, refused and rate-limited answers, stored values, and a re-run served from them.
 */
describe('custom_column (seed route, OpenAI-compatible LLM)', () => {
  let t: TestApp;
  let llm: VendorStub;
  let django: DjangoReceiver;
  const http = () => request(t.app.getHttpServer());
  const columnId = `col-${randomUUID()}`;
  const ids = ['e-alpha', 'e-beta', 'e-gamma', 'e-delta', 'e-epsilon'].map(
    (e) => `${e}-${randomUUID().slice(0, 6)}`,
  );
  const names = Object.keys(script);
  const context = Object.fromEntries(
    ids.map((id, i) => [
      id,
      {
        account_info: {
          name: names[i],
          website: `${names[i].split(' ')[0].toLowerCase()}.example`,
        },
      },
    ]),
  );
  const payload = (extra: Json = {}) => ({
    column_id: columnId,
    entity_ids: ids,
    entity_type: 'account',
    column_config: {
      id: columnId,
      name: 'Segment',
      description: 'Market segment by size',
      question: 'Which market segment is this company in?',
      response_type: 'enum',
      response_config: { allowed_values: ALLOWED },
      examples: [],
      validation_rules: [],
    },
    context_data: context,
    ai_config: { model: 'gpt-4.1-mini', use_internet: false },
    batch_size: 2,
    concurrent_requests: 3,
    job_id: `${randomUUID()}_batch_1`,
    request_id: randomUUID(),
    batch_metadata: { batch_number: 1, total_batches: 1 },
    orchestration_data: {
      next_columns: ['col-next'],
      entity_ids: ids,
      batch_size: 2,
      tenant_id: TENANT,
    },
    tenant_id: TENANT,
    ...extra,
  });
  const create = async (body: Json) => {
    const res = await http().post('/api/v1/tasks/create/custom_column').set(authHeaders).send(body);
    expect(res.status).toBe(200);
    return res.body.job_id as string;
  };
  const completed = (jobId: string) =>
    waitFor(
      async () => django.of(jobId).find((b) => b.status === 'completed'),
      `completed ${jobId}`,
    );

  beforeAll(async () => {
    llm = await VendorStub.start(llmBehaviour(answer));
    django = await new DjangoReceiver(SECRET, null).start();
    t = await startTestApp({
      OPENAI_BASE_URL: `${llm.url}/v1`,
      OPENAI_API_KEY: 'test-openai-key-columns',
      PROVIDER_RETRY_BASE_MS: '10',
      CALLBACK_ALLOWED_HOSTS: '127.0.0.1',
      CALLBACK_SIGNING_SECRET: SECRET,
      CALLBACK_URL: django.url,
    });
  });
  afterAll(async () => {
    await t?.close();
    await llm?.close();
    await django?.close();
  });

  it("answers 200 with the client's job id, calls back per batch and completes with every value", async () => {
    const body = payload();
    const jobId = await create(body);
    expect(jobId).toBe(body.job_id);
    const end = await completed(jobId);
    const all = django.of(jobId);
    expect(django.envelopeProblems(jobId, SEED_TYPES.custom_column)).toEqual([]);
    expect(django.rejected).toEqual([]);

    const progress = all.filter((b) => b.status === 'processing');
    expect(progress.map((p) => [p.completion_percentage, p.processed_data])).toEqual([
      [10, { stage: 'initialization' }],
      [
        36,
        {
          stage: 'processing',
          processed_count: 2,
          total_count: 5,
          batch_completed: 1,
          total_batches: 3,
        },
      ],
      [
        63,
        {
          stage: 'processing',
          processed_count: 4,
          total_count: 5,
          batch_completed: 2,
          total_batches: 3,
        },
      ],
      [
        90,
        {
          stage: 'processing',
          processed_count: 5,
          total_count: 5,
          batch_completed: 3,
          total_batches: 3,
        },
      ],
    ]);
    for (const b of all) {
      expect(b).toMatchObject({
        job_id: jobId,
        account_id: ids[0],
        lead_id: null,
        enrichment_type: 'custom_column',
        source: 'custom_column',
        is_partial: false,
        orchestration_data: body.orchestration_data,
      });
    }
    expect(end.completion_percentage).toBe(100);
    expect(end).not.toHaveProperty('error_details');
    const d = end.processed_data;
    expect(d).toMatchObject({ successful_count: 3, failed_count: 2, column_id: columnId });
    expect(d.avg_confidence).toBeCloseTo((0.9 + 0.6 + 0.7) / 3, 3);
    expect(typeof d.processing_time_seconds).toBe('number');
    const byEntity = Object.fromEntries(d.values.map((v: Json) => [v.entity_id, v]));
    expect(d.values.map((v: Json) => v.entity_id)).toEqual(ids);

    expect(byEntity[ids[0]]).toMatchObject({
      column_id: columnId,
      value_enum: 'Enterprise',
      confidence_score: 0.9,
      rationale: 'It has **12,000** staff.',
      status: 'completed',
      sources: [],
      provenance: {
        method: 'llm',
        provider: 'openai',
        model: 'gpt-4.1-mini',
        cached: false,
        repaired: false,
        llm_calls: 1,
      },
    });
    expect(byEntity[ids[0]].provenance.task_id).toEqual(expect.any(String));
    expect(Date.parse(byEntity[ids[0]].generated_at)).not.toBeNaN();
    expect(byEntity[ids[0]]).not.toHaveProperty('value_string');
    // Repaired: the malformed first answer, then "smb" matched to the allowed "SMB".
    expect(byEntity[ids[1]]).toMatchObject({
      value_enum: 'SMB',
      status: 'completed',
      provenance: { repaired: true, llm_calls: 2 },
    });
    expect(byEntity[ids[2]]).toMatchObject({
      status: 'error',
      error_details: {
        code: 'INVALID_ANSWER',
        error: expect.stringContaining(
          '"Huge" is not one of the allowed values (SMB, Mid-Market, Enterprise)',
        ),
      },
    });
    expect(byEntity[ids[2]]).not.toHaveProperty('value_enum');
    expect(byEntity[ids[3]]).toMatchObject({
      status: 'error',
      error_details: { error: expect.stringContaining('refused') },
    });
    expect(byEntity[ids[4]]).toMatchObject({ value_enum: 'Mid-Market', status: 'completed' });

    // The allowed values reached the prompt (the seed computed them and never sent them, A9.9).
    const first = llm.requests.find((r) =>
      String(JSON.stringify(r.body)).includes('Alpha Robotics'),
    )!;
    expect(JSON.stringify(first.body)).toContain('\\"SMB\\", \\"Mid-Market\\", \\"Enterprise\\"');
    expect(first.body.model).toBe('gpt-4.1-mini');

    // Stored: one value per entity, with provenance.
    const stored = await http()
      .get(`/api/v1/columns/${columnId}/values?tenant_id=${TENANT}`)
      .set(authHeaders)
      .expect(200);
    expect(stored.body.items).toHaveLength(5);
    const def = await http()
      .get(`/api/v1/columns/${columnId}?tenant_id=${TENANT}`)
      .set(authHeaders)
      .expect(200);
    expect(def.body).toMatchObject({ source: 'seed', response_type: 'enum', tenant_id: TENANT });

    // The seed status route: the job's summary.
    const status = await http()
      .get(`/api/v1/tasks/${encodeURIComponent(jobId)}/status`)
      .set(authHeaders)
      .expect(200);
    expect(status.body.summary).toMatchObject({
      job_id: jobId,
      column_id: columnId,
      total_processed: 5,
      successful_count: 3,
      failed_count: 2,
      metrics: { total_entities: 5, ai_errors: 2, api_errors: 0 },
    });
  });

  it('a re-run of the same column and contexts is served from the stored values; refresh asks again', async () => {
    const ok = [ids[0], ids[1], ids[4]];
    const before = llm.requests.length;
    const jobId = await create(payload({ entity_ids: ok, job_id: `${randomUUID()}_batch_1` }));
    const end = await completed(jobId);
    expect(llm.requests.length).toBe(before);
    expect(end.processed_data).toMatchObject({
      successful_count: 3,
      cached_count: 3,
      llm_calls: 0,
    });
    for (const v of end.processed_data.values) expect(v.provenance.cached).toBe(true);

    const again = await create(
      payload({ entity_ids: [ids[0]], refresh: true, job_id: `${randomUUID()}_batch_1` }),
    );
    const fresh = await completed(again);
    expect(llm.requests.length).toBe(before + 1);
    expect(fresh.processed_data).toMatchObject({ cached_count: 0, llm_calls: 1 });
  });

  it('refuses bad payloads with a 400 naming the field (the seed crashed every entity)', async () => {
    const bad = async (body: Json) => [
      ...new Set(
        (
          await http()
            .post('/api/v1/tasks/create/custom_column')
            .set(authHeaders)
            .send(body)
            .expect(400)
        ).body.errors.map((e: Json) => e.field),
      ),
    ];
    const { ai_config: _a, ...noAi } = payload();
    expect(await bad(noAi)).toEqual(['ai_config']);
    const noRc = payload();
    delete (noRc.column_config as Json).response_config;
    expect(await bad(noRc)).toEqual(['column_config.response_config']);
    const noValues = payload();
    (noValues.column_config as Json).response_config = {};
    expect(await bad(noValues)).toEqual(['column_config.response_config']);
    expect(await bad(payload({ ai_config: { model: 'claude-3-opus' } }))).toEqual([
      'ai_config.model',
    ]);
    expect(await bad(payload({ concurrent_requests: 0 }))).toEqual(['concurrent_requests']);
    const res = await http()
      .post('/api/v1/tasks/create/custom_column')
      .set(authHeaders)
      .send(payload({ ai_config: { model: 'claude-3-opus' } }))
      .expect(400);
    expect(res.body.detail).toContain('unknown model "claude-3-opus"; available: gpt-*');
  });
});
