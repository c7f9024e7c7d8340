import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { declaredProviders } from '../../src/providers/provider-modules';
import { startTestApp, TestApp, waitFor } from '../support/test-app';
import { Received, WebhookReceiver } from '../support/webhook-receiver';
import { CompanySite, startCompanySite } from '../accounts/company-site-server';
import { StubRequest, VendorStub } from '../support/vendor-stub';
import { SecretProbeCall, SecretProbeTaskModule } from './secret-probe.task';
import {
  Canary,
  canaryValue,
  databaseText,
  findCanaries,
  Haystack,
  OutputCapture,
  redisText,
} from './secret-scan';

type Json = Record<string, any>;

/** Audio for the speech providers: a real recording, and bytes that say "boom" (the stubs' 500). */
const SPEECH_AUDIO = join(__dirname, '..', 'fixtures', 'audio', 'two-voices.wav');
const BOOM_AUDIO = join(mkdtempSync(join(tmpdir(), 'assay-secret-scan-')), 'boom.wav');
writeFileSync(BOOM_AUDIO, 'boom: not really audio, the stubs answer it with a 500');
const speech = (file_path: string) => ({
  capability: 'speech.transcribe',
  input: { file_path, mime_type: 'audio/wav', sha256: file_path === BOOM_AUDIO ? 'boom' : 'ok' },
});

/** Every provider that reads an API key (`<ID>_API_KEY`), with a call that reaches its vendor. */
const PROVIDERS: Record<string, Omit<SecretProbeCall, 'stage' | 'provider'>> = {
  apollo: { capability: 'company.profile', input: { domain: 'acme.example' } },
  builtwith: { capability: 'tech.stack', input: { domain: 'acme.example' } },
  brightdata: {
    capability: 'company.linkedin',
    input: { linkedin_url: 'https://www.linkedin.com/company/acme' },
  },
  gemini: { capability: 'llm.generate', operation: 'generate', input: { prompt: 'hello' } },
  openai: { capability: 'llm.generate', operation: 'generate', input: { prompt: 'hello' } },
  perplexity: { capability: 'llm.generate', operation: 'generate', input: { prompt: 'hello' } },
  jina: { capability: 'web.read', input: { url: 'https://acme.example/' } },
  jina_search: { capability: 'web.search', input: { query: 'acme' } },
  enrichlayer: {
    capability: 'person.linkedin',
    input: { linkedin_url: 'https://www.linkedin.com/in/acme-person' },
  },
  proxycurl: {
    capability: 'person.linkedin',
    input: { linkedin_url: 'https://www.linkedin.com/in/acme-person' },
  },
  hunter: { capability: 'email.find', input: { domain: 'acme.example', full_name: 'Ada Byron' } },
  deepgram: speech(SPEECH_AUDIO),
  openai_transcribe: speech(SPEECH_AUDIO),
};
const IDS = Object.keys(PROVIDERS);

/** The same call, but one the stubs answer with a 500 (its input says "boom"). */
const BOOM: Record<string, Omit<SecretProbeCall, 'stage' | 'provider'>> = {
  apollo: { capability: 'company.profile', input: { domain: 'boom.example' } },
  builtwith: { capability: 'tech.stack', input: { domain: 'boom.example' } },
  brightdata: {
    capability: 'company.linkedin',
    input: { linkedin_url: 'https://www.linkedin.com/company/boom' },
  },
  gemini: { capability: 'llm.generate', operation: 'generate', input: { prompt: 'boom' } },
  openai: { capability: 'llm.generate', operation: 'generate', input: { prompt: 'boom' } },
  perplexity: { capability: 'llm.generate', operation: 'generate', input: { prompt: 'boom' } },
  jina: { capability: 'web.read', input: { url: 'https://boom.example/' } },
  jina_search: { capability: 'web.search', input: { query: 'boom' } },
  enrichlayer: {
    capability: 'person.linkedin',
    input: { linkedin_url: 'https://www.linkedin.com/in/boom' },
  },
  proxycurl: {
    capability: 'person.linkedin',
    input: { linkedin_url: 'https://www.linkedin.com/in/boom' },
  },
  hunter: { capability: 'email.find', input: { domain: 'boom.example', full_name: 'Ada Byron' } },
  deepgram: speech(BOOM_AUDIO),
  openai_transcribe: speech(BOOM_AUDIO),
};

const envName = (id: string) => id.toUpperCase();
/** BuiltWith's key travels in the URL: give it characters that URL-encoding changes. */
const KEYS: Record<string, string> = Object.fromEntries(
  IDS.map((id) => [id, canaryValue(id, id === 'builtwith' ? '+/' : '')]),
);
const OPERATOR_KEY = canaryValue('operator');
const TENANT_KEY = canaryValue('tenant');
const BEARER = canaryValue('bearer');
const SIGNING_SECRET = `whsec_${randomBytes(32).toString('base64')}`;
const PLATFORM: Record<string, string> = {
  ASSAY_API_KEYS_operator: OPERATOR_KEY,
  ASSAY_API_KEYS_tenant: TENANT_KEY,
  CALLBACK_BEARER_TOKEN: BEARER,
  CALLBACK_SIGNING_SECRET: SIGNING_SECRET,
};
const CANARIES: Canary[] = [
  ...IDS.map((id) => ({ name: `${envName(id)}_API_KEY`, value: KEYS[id] })),
  ...Object.entries(PLATFORM).map(([name, value]) => ({ name, value })),
];

/**
 * What a careless gateway answers: the credential it got, raw, URL-encoded in a URL's query, and
 * inside a Basic credential. One of them (jina_search) also echoes the platform's own secrets, as
 * if it had been handed them. A 500 repeats the key after a long message, where adapters that
 * cut a vendor's message at a few hundred characters cut it in the middle of the key.
 */
function echo(id: string, boom: boolean): string {
  const key = KEYS[id];
  const basic = Buffer.from(`svc-account:${key}`).toString('base64');
  const platform =
    id === 'jina_search'
      ? ` caller=${OPERATOR_KEY} tenant=${TENANT_KEY} hook=${BEARER} signing=${SIGNING_SECRET}`
      : '';
  const head = boom
    ? `upstream failure ${'.'.repeat(230)} while checking ${key}`
    : `invalid api key ${key}`;
  return `${head} (retry at https://gw.example/v1/check?api_key=${encodeURIComponent(key)}; Authorization: Basic ${basic})${platform}`;
}

function vendor(id: string) {
  return (req: StubRequest) => {
    const boom = req.path.includes('boom') || JSON.stringify(req.body ?? '').includes('boom');
    const message = echo(id, boom);
    const status = boom ? 500 : 401;
    return {
      status,
      json: {
        error: { code: status, status: boom ? 'INTERNAL' : 'UNAUTHENTICATED', message },
        message,
      },
    };
  };
}

describe('no configured secret leaks when vendors echo credentials (booted app, local vendors)', () => {
  const capture = new OutputCapture();
  const stubs: Record<string, VendorStub> = {};
  const responses: Haystack[] = [];
  const jobs: string[] = [];
  let receiver: WebhookReceiver;
  let site: CompanySite;
  let t: TestApp;

  /** An API call whose answer is kept for the scan. */
  const http = async (
    method: 'get' | 'post',
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: any }> => {
    const r = request(t.app.getHttpServer())[method](path).set('x-api-key', OPERATOR_KEY);
    const res = await (body === undefined ? r : r.send(body as object));
    responses.push({
      where: `response ${method.toUpperCase()} ${path} ${res.status}`,
      text: `${JSON.stringify(res.headers)}\n${res.text}`,
    });
    return { status: res.status, body: res.body };
  };
  const create = async (task: string, payload: Json): Promise<string> => {
    const res = await http('post', `/api/v1/tasks/create/${task}`, {
      ...payload,
      callback_url: receiver.url('/hooks'),
    });
    if (res.status !== 200 && res.status !== 202)
      throw new Error(`create ${task} answered ${res.status}: ${JSON.stringify(res.body)}`);
    jobs.push(res.body.job_id);
    return res.body.job_id as string;
  };
  const untilFinal = (id: string): Promise<Json> =>
    waitFor(
      async () => {
        const r = await http('get', `/api/v1/tasks/${id}`);
        return ['succeeded', 'failed', 'cancelled'].includes(r.body.status) ? r.body : null;
      },
      `task ${id} to finish`,
      120_000,
      100,
    );
  const probe = (calls: SecretProbeCall[], recordErrors: boolean) =>
    create('secret_probe', { calls, record_errors: recordErrors });

  beforeAll(async () => {
    capture.start();
    site = await startCompanySite('brightforge-plain');
    receiver = await new WebhookReceiver().start();
    for (const id of IDS) stubs[id] = await VendorStub.start(vendor(id));
    const vendorsEnv: Record<string, string> = {};
    for (const id of IDS) {
      const p = envName(id);
      vendorsEnv[`${p}_API_KEY`] = KEYS[id];
      vendorsEnv[`${p}_BASE_URL`] =
        stubs[id].url + (id === 'apollo' ? '/api/v1' : id === 'openai' ? '/v1' : '');
      // No pacing in the way: the test is about what is stored, not about rate limits.
      vendorsEnv[`${p}_RATE_PER_SECOND`] = '1000';
      vendorsEnv[`${p}_RATE_PER_MINUTE`] = '100000';
    }
    t = await startTestApp(
      {
        ...vendorsEnv,
        ASSAY_API_KEYS: `${OPERATOR_KEY},${TENANT_KEY}:tenant-a`,
        CALLBACK_SIGNING_SECRET: SIGNING_SECRET,
        CALLBACK_AUTH: 'bearer',
        CALLBACK_BEARER_TOKEN: BEARER,
        CALLBACK_ALLOWED_HOSTS: '127.0.0.1',
        WEB_FETCH_ALLOWED_HOSTS: '127.0.0.1',
        LOG_LEVEL: 'debug',
        PROVIDER_RETRY_ATTEMPTS: '2',
        PROVIDER_RETRY_BASE_MS: '10',
        PROVIDER_BREAKER_THRESHOLD: '1000',
        TASK_BACKOFF_BASE_MS: '50',
        BRIGHTDATA_POLL_MS: '0',
        // The dead service's adapter is off unless asked: asked here, it reads a key too.
        PROXYCURL_ENABLED: 'true',
      },
      [SecretProbeTaskModule],
    );
  }, 120_000);

  afterAll(async () => {
    await t?.close();
    await Promise.all([
      receiver?.close(),
      site?.close(),
      ...Object.values(stubs).map((s) => s.close()),
    ]);
    rmSync(dirname(BOOM_AUDIO), { recursive: true, force: true });
    capture.stop();
  });

  it('covers every provider that reads an API key (a new one must be added here)', () => {
    const readsKey = declaredProviders()
      .filter((meta) => meta.requiresApiKey !== false)
      .map((meta) => meta.id);
    expect([...readsKey].sort()).toEqual([...IDS].sort());
  });

  it('self-tests of every provider fail AUTH', async () => {
    for (const id of IDS) {
      const r = await http('post', `/api/v1/providers/${id}/self-test`);
      expect({ id, ok: r.body.ok, code: r.body.error_code }).toEqual({
        id,
        ok: false,
        code: 'AUTH',
      });
    }
  });

  it('a task per provider fails AUTH (task error, failed callback)', async () => {
    const ids = [];
    for (const id of IDS)
      ids.push(await probe([{ stage: id, provider: id, ...PROVIDERS[id] }], false));
    for (const [i, job] of ids.entries()) {
      const task = await untilFinal(job);
      expect({ id: IDS[i], status: task.status, code: task.error?.code }).toEqual({
        id: IDS[i],
        status: 'failed',
        code: 'AUTH',
      });
    }
  });

  it('a 500 echoing the key is retried, then fails the task TEMPORARY', async () => {
    const job = await probe([{ stage: 'openai', provider: 'openai', ...BOOM.openai }], false);
    const task = await untilFinal(job);
    expect(task).toMatchObject({ status: 'failed', error: { code: 'TEMPORARY' } });
  });

  it('failures kept in a result: every provider (401 and 500) and every waterfall', async () => {
    const calls: SecretProbeCall[] = [
      ...IDS.map((id) => ({ stage: `${id}_401`, provider: id, ...PROVIDERS[id] })),
      ...IDS.map((id) => ({ stage: `${id}_500`, provider: id, ...BOOM[id] })),
      ...['company.profile', 'tech.stack', 'company.linkedin', 'llm.generate', 'web.search'].map(
        (capability) => {
          const id = IDS.find((x) => PROVIDERS[x].capability === capability)!;
          return { ...PROVIDERS[id], stage: `waterfall_${capability}` };
        },
      ),
    ];
    const task = await untilFinal(await probe(calls, true));
    expect(task.status).toBe('succeeded');
    for (const id of IDS) {
      expect({ id, code: task.result[`${id}_401`].error?.code }).toEqual({ id, code: 'AUTH' });
      expect({ id, code: task.result[`${id}_500`].error?.code }).toEqual({
        id,
        code: 'TEMPORARY',
      });
    }
    expect(task.result['waterfall_llm.generate'].steps.map((s: Json) => s.outcome)).toEqual([
      'AUTH',
      'AUTH',
      'AUTH',
    ]);
  });

  it('an account enhancement with every vendor configured keeps its failures in the result', async () => {
    const job = await create('account_enhancement', {
      account_id: `acct-sec-${randomUUID().slice(0, 8)}`,
      website: site.origin,
      // The provider cache is shared by the run's suites, and a loopback port may have served
      // another suite's site (with answers cached for its domain): ask every vendor afresh.
      refresh: true,
    });
    const task = await untilFinal(job);
    expect(task.status).toBe('succeeded');
    const sources = task.result.results[0].sources as Json[];
    expect(new Set(sources.filter((s) => s.outcome === 'AUTH').map((s) => s.provider))).toEqual(
      new Set(['apollo', 'builtwith', 'brightdata', 'enrichlayer', 'proxycurl']),
    );
    const llm = (await t.app
      .get(DataSource)
      .query(
        `SELECT DISTINCT provider FROM provider_calls WHERE task_id = $1 AND outcome = 'AUTH'`,
        [job],
      )) as Array<{ provider: string }>;
    expect(llm.map((r) => r.provider)).toEqual(
      expect.arrayContaining(['gemini', 'openai', 'perplexity']),
    );
  });

  it('no canary anywhere: tables, Redis, API answers, callbacks, logs', async () => {
    // Every vendor got its key and answered with it.
    for (const id of IDS) {
      const sent = stubs[id].requests.map((r) => `${r.path} ${JSON.stringify(r.headers)}`);
      expect({
        id,
        sent: sent.some((s) => s.includes(KEYS[id]) || s.includes(encodeURIComponent(KEYS[id]))),
      }).toEqual({ id, sent: true });
    }
    // Every callback is out (delivered) before the scan.
    for (const job of jobs) {
      await waitFor(
        async () => {
          const r = await http('get', `/api/v1/callbacks?job_id=${job}`);
          const items = r.body.items as Json[];
          return items.length > 0 && items.every((d) => d.status === 'delivered') ? items : null;
        },
        `the callbacks of ${job} to be delivered`,
        120_000,
        100,
      );
    }
    // What an operator reads through the API.
    for (const job of jobs) {
      await http('get', `/api/v1/tasks/${job}`);
      await http('get', `/api/v1/tasks/${job}/status`);
      const list = await http('get', `/api/v1/callbacks?job_id=${job}`);
      for (const d of list.body.items as Json[]) await http('get', `/api/v1/callbacks/${d.id}`);
    }
    await http('get', '/api/v1/tasks');
    await http('get', '/api/v1/tasks/failed');
    await http('get', '/api/v1/providers');
    await http('get', '/metrics');

    // The vendors' words did reach storage (the scan below looks where the keys would be).
    const ds = t.app.get(DataSource);
    const ledger = (await ds.query(
      `SELECT DISTINCT provider FROM provider_calls WHERE error_message LIKE '%invalid api key%'`,
    )) as Array<{ provider: string }>;
    expect(ledger.map((r) => r.provider).sort()).toEqual([...IDS].sort());

    // The bearer token belongs in the callback's Authorization header, and nowhere else.
    const callbacks: Haystack[] = receiver.received.map((r: Received, i) => {
      expect(r.headers.authorization).toBe(`Bearer ${BEARER}`);
      const { authorization: _auth, ...headers } = r.headers;
      return {
        where: `callback #${i + 1} ${r.path}`,
        text: `${JSON.stringify(headers)}\n${r.raw}`,
      };
    });
    expect(callbacks.length).toBeGreaterThan(jobs.length);

    // pino writes asynchronously, in order: once a last request's log line is out, all are.
    const marker = `scan-marker-${randomBytes(6).toString('hex')}`;
    await request(t.app.getHttpServer())
      .get('/api/v1/providers')
      .set('x-api-key', OPERATOR_KEY)
      .set('x-request-id', marker)
      .expect(200);
    await waitFor(async () => capture.text.includes(marker), 'the last log line', 30_000);
    const logs: Haystack = { where: 'logs', text: capture.text };
    expect(logs.text).toContain('providers: ');

    const haystacks = [
      ...(await databaseText(ds)),
      ...(await redisText(t.config.REDIS_URL, t.config.REDIS_PREFIX)),
      ...responses,
      ...callbacks,
      logs,
    ];
    expect(haystacks.some((h) => h.where.startsWith('table public.provider_calls'))).toBe(true);
    expect(haystacks.some((h) => h.where.startsWith('redis '))).toBe(true);
    // One line per canary, form and place (the excerpts of the first few say where to look).
    const hits = findCanaries(haystacks, CANARIES);
    const forms = new Map<string, Set<string>>();
    for (const h of hits) {
      const k = `${h.canary} in ${h.where}`;
      forms.set(k, (forms.get(k) ?? new Set()).add(h.form));
    }
    const summary = [...forms].map(([k, f]) => `${k}: ${[...f].join(', ')}`);
    expect({ summary, first: hits.slice(0, 3) }).toEqual({ summary: [], first: [] });
  });
});
