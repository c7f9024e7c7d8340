import { randomBytes, randomUUID } from 'node:crypto';
import request from 'supertest';
import { DjangoReceiver } from '../seed-contract/django-receiver';
import { SEED_TYPES } from '../seed-contract/seed-contract';
import { authHeaders, startTestApp, TestApp, waitFor } from '../support/test-app';
import { VendorStub } from '../support/vendor-stub';
import { columnAnswer, llmBehaviour } from './llm-stub';

const SECRET = `whsec_${randomBytes(32).toString('base64')}`;
const TENANT = `tenant-cc-leads-${randomBytes(4).toString('hex')}`;

/**
 * A lead column through the seed route (A9.7): the callbacks carry the lead's own account when its
 * context names it (else entity_ids[0], as the seed) and the lead's id; a boolean column and a
 * json_object column end with their values in the right fields.
 */
describe('custom_column for leads (seed route)', () => {
  let t: TestApp;
  let llm: VendorStub;
  let django: DjangoReceiver;
  const http = () => request(t.app.getHttpServer());

  beforeAll(async () => {
    llm = await VendorStub.start(
      llmBehaviour((a) =>
        a.text.includes('json_probe')
          ? columnAnswer({ seniority: 'VP', reports_to: 'CEO' }, 0.7)
          : columnAnswer('yes', 0.85),
      ),
    );
    django = await new DjangoReceiver(SECRET, null).start();
    t = await startTestApp({
      OPENAI_BASE_URL: `${llm.url}/v1`,
      OPENAI_API_KEY: 'test-openai-key-columns-leads',
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

  const run = async (leads: string[], context: Record<string, unknown>, config: object) => {
    const jobId = `${randomUUID()}_batch_1`;
    await http()
      .post('/api/v1/tasks/create/custom_column')
      .set(authHeaders)
      .send({
        column_id: `col-${randomUUID()}`,
        entity_ids: leads,
        entity_type: 'lead',
        column_config: config,
        context_data: context,
        ai_config: { model: 'gpt-4o-mini' },
        job_id: jobId,
        tenant_id: TENANT,
      })
      .expect(200);
    const end = await waitFor(
      async () => django.of(jobId).find((b) => b.status === 'completed'),
      'completed',
    );
    expect(django.envelopeProblems(jobId, SEED_TYPES.custom_column)).toEqual([]);
    return { all: django.of(jobId), end };
  };

  it("uses the lead's own account as account_id when the context names it, and sets lead_id", async () => {
    const lead = `lead-${randomUUID().slice(0, 8)}`;
    const { all, end } = await run(
      [lead],
      {
        [lead]: {
          lead_info: { name: 'Dana Reyes', account_id: 'acct-77' },
          company: { name: 'Globex' },
        },
      },
      {
        question: 'Is this person a decision maker for software purchases?',
        response_type: 'boolean',
        response_config: {},
      },
    );
    for (const b of all) expect(b).toMatchObject({ account_id: 'acct-77', lead_id: lead });
    expect(end.processed_data.values[0]).toMatchObject({
      entity_id: lead,
      value_boolean: true,
      status: 'completed',
    });
    // Orchestration data absent: the key is there, null (A3).
    expect(end.orchestration_data).toBeNull();
  });

  it('falls back to entity_ids[0] as the seed did; json_object values land in value_json', async () => {
    const leads = [`lead-${randomUUID().slice(0, 8)}`, `lead-${randomUUID().slice(0, 8)}`];
    const { end } = await run(
      leads,
      Object.fromEntries(leads.map((l) => [l, { lead_info: { name: `Person ${l}` } }])),
      {
        question: 'json_probe: what is this person’s seniority and manager?',
        response_type: 'json_object',
        response_config: {
          schema: {
            type: 'object',
            properties: { seniority: { type: 'string' }, reports_to: { type: 'string' } },
            required: ['seniority'],
          },
        },
      },
    );
    expect(end).toMatchObject({ account_id: leads[0], lead_id: leads[0] });
    expect(end.processed_data.values.map((v: { value_json: unknown }) => v.value_json)).toEqual([
      { seniority: 'VP', reports_to: 'CEO' },
      { seniority: 'VP', reports_to: 'CEO' },
    ]);
  });
});
