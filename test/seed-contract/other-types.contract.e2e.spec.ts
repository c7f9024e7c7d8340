import { randomBytes, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { authHeaders, startTestApp, TestApp, waitFor } from '../support/test-app';
import { TestDnsServer } from '../support/dns-server';
import { DjangoReceiver } from './django-receiver';
import { checkCreateResponse, checkStatusResponse, SEED_TYPES } from './seed-contract';

type Json = Record<string, any>;

/** Task type names declared with @TaskType in src/ (read from the sources, before any app boots). */
function declaredTaskTypes(dir = join(__dirname, '..', '..', 'src')): Set<string> {
  const out = new Set<string>();
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) declaredTaskTypes(path).forEach((n) => out.add(n));
    else if (entry.endsWith('.ts')) {
      const text = readFileSync(path, 'utf8');
      for (const m of text.matchAll(/@TaskType\(\{\s*name:\s*'([a-z_]+)'/g)) out.add(m[1]);
    }
  }
  return out;
}

/**
 * The other three seed task types, as Django creates them (SEED-CONTRACTS A2.2–A2.4). Each block
 * runs as soon as its task type exists in src/ (it is skipped until then): the create answer, the
 * client's job id where Django sends one, every callback envelope, the seed's first progress
 * stages, and the status row. The outcome may be completed or failed (vendors are not stubbed
 * here: each module's own end-to-end test does that); either must be in the seed's shape.
 */
const CASES: Array<{ name: string; payload: () => Json; clientJobId?: (p: Json) => string }> = [
  {
    name: 'lead_identification_apollo',
    payload: () => ({
      account_id: `acc-${randomUUID()}`,
      account_data: { name: 'Brightforge', website: 'https://brightforge.io' },
      product_data: {
        name: 'Fleet Insights',
        description: 'Analytics for warehouse robot fleets',
        icp_description: 'Warehouse operators with 100+ robots',
        persona_role_titles: {
          buyers: ['VP Operations'],
          influencers: ['Head of Automation'],
          end_users: ['Fleet Manager'],
        },
        additional_lead_signals: 'Recently opened a new distribution centre',
      },
      tenant_id: `tenant-${randomUUID()}`,
    }),
  },
  {
    name: 'lead_linkedin_research',
    payload: () => {
      const leadId = `lead-${randomUUID()}`;
      return {
        lead_id: leadId,
        account_id: `acc-${randomUUID()}`,
        company_name: 'Brightforge',
        person_name: 'Dana Smith',
        person_linkedin_url: 'https://www.linkedin.com/in/dana-smith',
        posts_html: '<ul></ul>',
        comments_html: null,
        reactions_html: null,
        job_id: `linkedin_research_${leadId}`,
        origin: 'api',
        user_id: 'user-1',
        input_data: {
          lead_data: { name: 'Dana Smith', headline: 'VP Operations' },
          account_data: { name: 'Brightforge' },
          product_data: { name: 'Fleet Insights', description: 'Analytics for robot fleets' },
        },
      };
    },
    clientJobId: (p) => p.job_id,
  },
  {
    name: 'custom_column',
    payload: () => {
      const entity = `acc-${randomUUID()}`;
      return {
        column_id: `col-${randomUUID()}`,
        entity_ids: [entity],
        entity_type: 'account',
        column_config: {
          id: 'col',
          name: 'Uses robots',
          description: 'Does the company run autonomous robots?',
          question: 'Does this company run autonomous mobile robots in its warehouses?',
          response_type: 'boolean',
          response_config: {},
          examples: [],
          validation_rules: [],
        },
        context_data: { [entity]: { account_info: { name: 'Brightforge' } } },
        ai_config: { model: 'gemini-2.0-flash', use_internet: false },
        batch_size: 10,
        job_id: `${randomUUID()}_batch_1`,
        request_id: randomUUID(),
        batch_metadata: { batch_number: 1, total_batches: 1 },
        orchestration_data: { next_columns: ['col-2'], entity_ids: [entity], batch_size: 10 },
        tenant_id: `tenant-${randomUUID()}`,
      };
    },
    clientJobId: (p) => p.job_id,
  },
];

const declared = declaredTaskTypes();
const SECRET = `whsec_${randomBytes(32).toString('base64')}`;

describe.each(CASES)('seed contract: $name', ({ name, payload, clientJobId }) => {
  const run = declared.has(name) ? it : it.skip;
  let t: TestApp;
  let django: DjangoReceiver;
  let dns: TestDnsServer;
  const type = SEED_TYPES[name];

  beforeAll(async () => {
    if (!declared.has(name)) return;
    django = await new DjangoReceiver(SECRET, null).start();
    // A DNS on loopback that knows no name: a task reading the company's site (leads: its team
    // page) never looks past the machine.
    dns = await TestDnsServer.start();
    t = await startTestApp({
      OUTBOUND_DNS_SERVERS: dns.address,
      CALLBACK_ALLOWED_HOSTS: '127.0.0.1',
      CALLBACK_SIGNING_SECRET: SECRET,
      CALLBACK_URL: django.url,
      CALLBACK_RETRY_SCHEDULE: '0,0.5',
    });
  });
  afterAll(async () => {
    await t?.close();
    await django?.close();
    await dns?.close();
  });

  run(
    "takes Django's payload, answers as the seed, and calls back in the seed's envelope",
    async () => {
      const body = payload();
      const res = await request(t.app.getHttpServer())
        .post(`/api/v1/tasks/create/${name}`)
        .set(authHeaders)
        .send(body);
      expect(res.status).toBe(200);
      expect(checkCreateResponse(res.body, name)).toEqual([]);
      const jobId = res.body.job_id as string;
      if (clientJobId) expect(jobId).toBe(clientJobId(body));

      const end = await waitFor(
        async () => django.of(jobId).find((b) => b.status !== 'processing'),
        `the terminal callback of ${name}`,
        120_000,
      );
      expect(django.envelopeProblems(jobId, type)).toEqual([]);
      expect(django.rejected).toEqual([]);
      const stages = django
        .of(jobId)
        .filter((b) => b.status === 'processing')
        .map((b) => ({ percent: b.completion_percentage, stage: b.processed_data?.stage }));
      expect(stages.slice(0, type.progress!.length)).toEqual(
        type.progress!.slice(0, Math.min(stages.length, type.progress!.length)),
      );
      if (name === 'custom_column' && end.status === 'completed') {
        expect(end.orchestration_data).toEqual(body.orchestration_data);
      }
      const s = (
        await request(t.app.getHttpServer())
          .get(`/api/v1/tasks/${encodeURIComponent(jobId)}/status`)
          .set(authHeaders)
          .expect(200)
      ).body;
      expect(checkStatusResponse(s)).toEqual([]);
    },
  );
});
