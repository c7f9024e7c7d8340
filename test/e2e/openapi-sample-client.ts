/**
 * The sample client of openapi-client.e2e.spec.ts, as source text: it is compiled against the
 * types openapi-typescript generates from the app's document (they exist only in the test's
 * working folder), then run against the booted app.
 */

/**
 * The sample client, as a user would write it after reading the README. Every value it reads is
 * typed by the generated schema; the assignments with explicit types fail to compile when the
 * document types a property as an empty object, makes a defaulted field required, or loses the
 * per-task-type body.
 */
export const SAMPLE_CLIENT = `
import createClient from 'openapi-fetch';
import type { components, paths } from './assay-api.js';

type Schemas = components['schemas'];
type SeedStatus = 'scheduled' | 'processing' | 'completed' | 'failed' | 'cancelled';

// Values the generated types must accept (an empty-object type would reject each of them).
export const typed: {
  result: Schemas['TaskDetailDto']['result'];
  rateLimits: Schemas['ProviderViewDto']['rate_limits'];
  before: Schemas['FieldChangeDto']['before'];
  after: Schemas['FieldChangeDto']['after'];
  summary: Schemas['TaskStatusDto']['summary'];
  orchestration: Schemas['CallbackEnvelopeDto']['orchestration_data'];
  processed: Schemas['AccountDto']['processed_data'];
} = {
  result: { ok: true, attempt: 1 },
  rateLimits: { perSecond: 5, perMinute: 500 },
  before: null,
  after: ['Globex', 'Initech'],
  summary: { status: 'completed', total_accounts: 1 },
  orchestration: { crm_row: 42 },
  processed: {
    company_name: 'Brightforge',
    employee_count: 120,
    industry: null,
    location: null,
    website: 'https://brightforge.io',
    linkedin_url: null,
    technologies: ['Nginx'],
    funding_details: {},
    company_type: null,
    founded_year: 2016,
    customers: [],
    competitors: [],
    tech_profile: {},
    recent_events: [{ title: 'Series B', description: null, date: null, source: null }],
    analysis_summary: null,
  },
};

/** The README's "Typed clients" example, as written there. */
export async function readmeExample(KEY: string) {
  const assay = createClient<paths>({
    baseUrl: 'http://localhost:3000',
    headers: { 'X-API-Key': KEY },
  });

  const { data, error } = await assay.POST('/api/v1/tasks/create/diagnostic', {
    params: { query: { wait: 10 } },
    body: { sleep_ms: 500, stages: ['read', 'write'] },
  });
  if (!data) throw new Error(error?.detail); // errors are problem documents
  if ('result' in data) console.log(data.status, data.result); // ended within 10 s

  await assay.POST('/api/v1/accounts/enrich', {
    body: { website: 'brightforge.io', account_id: 'acct_42' },
  });
  const account = await assay.GET('/api/v1/accounts/{id}', { params: { path: { id: 'acct_42' } } });
  console.log(account.data?.processed_data.company_name); // string | null
}

export async function run(opts: { baseUrl: string; apiKey: string; website: string; accountId: string }) {
  const client = createClient<paths>({
    baseUrl: opts.baseUrl,
    headers: { 'X-API-Key': opts.apiKey },
  });

  // Create a diagnostic task: its own path, its own body (sleep_ms, stages, … all optional).
  const created = await client.POST('/api/v1/tasks/create/diagnostic', {
    body: { sleep_ms: 50, stages: ['read', 'write'] },
  });
  if (!created.data || 'dry_run' in created.data) throw new Error(\`create: \${created.error?.detail}\`);
  const jobId: string = created.data.job_id;

  // Its status, in the seed's words.
  const status = await client.GET('/api/v1/tasks/{job_id}/status', {
    params: { path: { job_id: jobId } },
  });
  if (!status.data) throw new Error(\`status: \${status.error?.detail}\`);
  const seedStatus: SeedStatus = status.data.status;

  // The generic route, by name, waiting for the end: the finished task with its result.
  const waited = await client.POST('/api/v1/tasks/create/{task_name}', {
    params: { path: { task_name: 'diagnostic' }, query: { wait: 10 } },
    body: { stages: ['only'] },
  });
  if (!waited.data || !('result' in waited.data)) throw new Error('wait: not finished');
  const waitedStatus: SeedStatus = waited.data.status;

  // A task's result, in the native view.
  const task = await client.GET('/api/v1/tasks/{job_id}', {
    params: { path: { job_id: waited.data.assay_task_id } },
  });
  if (!task.data) throw new Error(\`task: \${task.error?.detail}\`);
  const result: { [key: string]: unknown } | null = task.data.result;

  // Enrich an account, waiting for the profile.
  const enriched = await client.POST('/api/v1/accounts/enrich', {
    params: { query: { wait: 60 } },
    body: { website: opts.website, account_id: opts.accountId },
  });
  if (!enriched.data || !('result' in enriched.data)) {
    throw new Error(\`enrich: \${enriched.response.status} \${enriched.error?.detail ?? 'not finished'}\`);
  }
  const enrichStatus = enriched.data.status;

  // The account's processed_data, with the seed's keys.
  const account = await client.GET('/api/v1/accounts/{id}', {
    params: { path: { id: opts.accountId } },
  });
  if (!account.data) throw new Error(\`account: \${account.error?.detail}\`);
  const companyName: string | null = account.data.processed_data.company_name;
  const technologies: string[] = account.data.processed_data.technologies;

  // The seed route of account_enhancement takes orchestration_data (the stored result is reused).
  const again = await client.POST('/api/v1/tasks/create/account_enhancement', {
    body: { website: opts.website, account_id: opts.accountId, orchestration_data: { crm_row: 42 } },
  });
  if (!again.data || 'dry_run' in again.data) throw new Error(\`again: \${again.error?.detail}\`);

  // The account's history: what changed, before and after.
  const history = await client.GET('/api/v1/accounts/{id}/history', {
    params: { path: { id: opts.accountId } },
  });
  const changed = history.data?.snapshots[0]?.changed_fields ?? [];
  const nameAfter: unknown = changed.find((c) => c.field === 'company_name')?.after;

  // List tasks.
  const page = await client.GET('/api/v1/tasks', {
    params: { query: { task_name: 'diagnostic', limit: 10 } },
  });
  const listed: string[] = page.data?.items.map((t) => t.job_id) ?? [];

  // Providers and their declared rate limits.
  const providers = await client.GET('/api/v1/providers');
  const limits: Array<number | undefined> = (providers.data ?? []).map((p) => p.rate_limits.perSecond);

  // An error is a problem document.
  const missing = await client.GET('/api/v1/tasks/{job_id}', {
    params: { path: { job_id: 'no-such-job' } },
  });
  const problem: number | undefined = missing.error?.status;

  return {
    jobId,
    seedStatus,
    waitedStatus,
    result,
    enrichHttpStatus: enriched.response.status,
    enrichStatus,
    companyName,
    technologies,
    againStatus: again.data.status,
    nameAfter,
    listed,
    providerCount: limits.length,
    problem,
  };
}
`;

export const RUNNER = `
import { run } from './client.js';
const out = await run(JSON.parse(process.argv[2]));
process.stdout.write(JSON.stringify(out));
`;
