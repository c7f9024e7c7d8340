import { randomBytes, randomUUID } from 'node:crypto';
import request from 'supertest';
import { CompanySite, startCompanySite } from '../accounts/company-site-server';
import { AUDIENCE, ISSUER, JwksServer, makeKey, mintToken, SigningKey } from '../auth/jwks-server';
import { startTestApp, TestApp, waitFor } from '../support/test-app';
import { API_KEY } from '../support/env';
import { DjangoReceiver } from './django-receiver';
import {
  checkCreateResponse,
  checkStatusResponse,
  SEED_TYPES,
  seedAccountFinal,
  seedAccountProgress,
} from './seed-contract';

type Json = Record<string, any>;

const TYPE = SEED_TYPES.account_enhancement;
const SECRET = `whsec_${randomBytes(32).toString('base64')}`;
const CALLBACK_TOKEN = `django-callback-token-${randomUUID()}`;
const RAW_KEYS = ['jina_response', 'gemini_structured', 'gemini_analysis', 'openai_intelligence'];

/**
 * An unmodified client of the original workers, written from SEED-CONTRACTS part A only: it
 * creates `account_enhancement` tasks with Django's payloads on the seed route, receives every
 * callback at Django's URL (with Django's bearer credentials and a verified signature) and reads
 * the seed status routes. Run in both inbound auth modes the original client used: a static key
 * (local) and a Google-style ID token (cloud; here signed by a local JWKS).
 */
describe.each(['api_key', 'oidc'] as const)('seed contract: account_enhancement (%s)', (mode) => {
  let t: TestApp;
  let django: DjangoReceiver;
  let siteA: CompanySite;
  let siteB: CompanySite;
  let jwks: JwksServer | undefined;
  let key: SigningKey;
  let auth: Record<string, string>;
  const http = () => request(t.app.getHttpServer());

  beforeAll(async () => {
    [siteA, siteB] = await Promise.all([
      startCompanySite('brightforge-plain'),
      startCompanySite('northwind-jsonld'),
    ]);
    django = await new DjangoReceiver(SECRET, CALLBACK_TOKEN).start();
    const env: Record<string, string> = {
      WEB_FETCH_ALLOWED_HOSTS: '127.0.0.1',
      CALLBACK_ALLOWED_HOSTS: '127.0.0.1',
      CALLBACK_SIGNING_SECRET: SECRET,
      // The seed posted every callback to DJANGO_BASE_URL + this path; clients send no URL.
      CALLBACK_URL: django.url,
      CALLBACK_AUTH: 'bearer',
      CALLBACK_BEARER_TOKEN: CALLBACK_TOKEN,
      CALLBACK_RETRY_SCHEDULE: '0,0.5,1',
      PROVIDER_BREAKER_THRESHOLD: '1000',
    };
    if (mode === 'oidc') {
      key = await makeKey('seed-client-key');
      jwks = await JwksServer.start([key]);
      Object.assign(env, {
        ASSAY_AUTH: 'oidc',
        OIDC_JWKS_URL: jwks.url,
        OIDC_ISSUERS: ISSUER,
        OIDC_AUDIENCES: AUDIENCE,
        OIDC_ALLOWED_EMAILS: 'caller@project.iam.gserviceaccount.com',
      });
    }
    t = await startTestApp(env);
    auth =
      mode === 'oidc'
        ? { authorization: `Bearer ${await mintToken(key)}` }
        : { authorization: `Bearer ${API_KEY}` };
  });
  afterAll(async () => {
    await t?.close();
    await Promise.all([siteA?.close(), siteB?.close(), django?.close(), jwks?.close()]);
  });

  const create = (body: Json, query = '') =>
    http().post(`/api/v1/tasks/create/account_enhancement${query}`).set(auth).send(body);
  const status = async (jobId: string) =>
    (
      await http()
        .get(`/api/v1/tasks/${encodeURIComponent(jobId)}/status`)
        .set(auth)
        .expect(200)
    ).body as Json;
  /** Waits until every account of the job has its terminal callback. */
  const terminals = async (jobId: string, accounts: number) => {
    try {
      return await waitFor(
        async () => {
          const ends = django.of(jobId).filter((b) => b.status !== 'processing');
          return ends.length >= accounts ? ends : null;
        },
        `${accounts} terminal callback(s) of ${jobId}`,
        90_000,
      );
    } catch (err) {
      // Say where the job was (a loaded CI machine timed out here once, with no other trace).
      const task = await http()
        .get(`/api/v1/tasks/${encodeURIComponent(jobId)}`)
        .set(auth);
      const calls = await http()
        .get(`/api/v1/callbacks?task_id=${task.body.assay_task_id ?? task.body.job_id}`)
        .set(auth);
      throw new Error(
        `${(err as Error).message}\ntask: ${JSON.stringify(task.body)}\n` +
          `callbacks: ${JSON.stringify(calls.body)}\nreceived: ${JSON.stringify(django.of(jobId))}`,
        { cause: err },
      );
    }
  };
  const streamOf = (jobId: string, accountId: string) =>
    django.of(jobId).filter((b) => b.account_id === accountId);

  it('no credentials → 401, as Cloud Run IAM answered', async () => {
    await http().post('/api/v1/tasks/create/account_enhancement').send({}).expect(401);
  });

  it("Django's bulk form with one account: 200 scheduled, the seed's progress stream, one completed callback", async () => {
    const accountId = `acc-${randomUUID()}`;
    const res = await create({ accounts: [{ account_id: accountId, website: siteA.origin }] });
    expect(res.status).toBe(200);
    expect(checkCreateResponse(res.body, 'account_enhancement')).toEqual([]);
    const jobId = res.body.job_id as string;

    await terminals(jobId, 1);
    const stream = streamOf(jobId, accountId);
    expect(django.envelopeProblems(jobId, TYPE)).toEqual([]);
    expect(django.rejected).toEqual([]);

    // A2.1: six progress callbacks at int((1 − f)/1·100), in order, then one completed.
    const progress = stream.filter((b) => b.status === 'processing');
    expect(progress.map((b) => b.completion_percentage)).toEqual(seedAccountProgress(1, 1));
    expect(progress.map((b) => b.is_partial)).toEqual([false, true, false, false, false, false]);
    expect(progress[1].processed_data).toEqual({
      linkedin_url: 'https://www.linkedin.com/company/brightforge-robotics',
    });
    for (const p of [progress[0], ...progress.slice(2)])
      expect(p).not.toHaveProperty('processed_data');
    const done = stream.filter((b) => b.status === 'completed');
    expect(done).toHaveLength(1); // the seed's duplicate final callback is not repeated
    expect(stream[stream.length - 1]).toBe(done[0]);
    expect(done[0]).toMatchObject({
      job_id: jobId,
      account_id: accountId,
      lead_id: null,
      enrichment_type: 'company_info',
      source: 'jina_ai',
      is_partial: false,
      completion_percentage: 100,
      orchestration_data: null,
    });
    expect(done[0].processed_data.company_name).toBe('Brightforge');
    expect(Object.keys(done[0].raw_data)).toEqual(expect.arrayContaining(RAW_KEYS));
    expect(done[0].raw_data.jina_response).toContain('Brightforge');

    // A4: the status row, in the seed's words, with the job's summary. A bulk job's account
    // calls back as soon as it is stored, a moment before the job itself ends.
    const s = await waitFor(async () => {
      const row = await status(jobId);
      return row.status === 'completed' ? row : undefined;
    }, 'the job to end');
    expect(checkStatusResponse(s)).toEqual([]);
    expect(s).toMatchObject({ job_id: jobId, status: 'completed', entity_id: accountId });
    expect(s.summary).toMatchObject({
      status: 'completed',
      is_bulk: true,
      total_accounts: 1,
      successful_accounts: 1,
      failed_accounts: 0,
      results: [{ status: 'completed', account_id: accountId, company_name: 'Brightforge' }],
    });
  });

  it('single form with its own job_id: echoed in the answer and every callback, accepted by /status', async () => {
    const accountId = `acc-${randomUUID()}`;
    const clientJobId = `client_job_${randomUUID()}`;
    const res = await create({
      account_id: accountId,
      website: siteB.origin,
      job_id: clientJobId,
      refresh: true,
    }).expect(200);
    expect(res.body).toMatchObject({
      job_id: clientJobId,
      task_id: clientJobId,
      status: 'scheduled',
    });
    expect(res.body.status_url).toBe(`/api/v1/tasks/${clientJobId}/status`);
    await terminals(clientJobId, 1);
    expect(django.of(clientJobId).length).toBeGreaterThan(1);
    expect(django.of(clientJobId).every((b) => b.account_id === accountId)).toBe(true);
    expect(django.envelopeProblems(clientJobId, TYPE)).toEqual([]);
    const s = await status(clientJobId);
    expect(s).toMatchObject({ job_id: clientJobId, status: 'completed' });
    // Assay's own id reads the same task.
    expect((await status(s.assay_task_id)).job_id).toBe(clientJobId);
  });

  it('bulk: one callback stream per account with its own account_id and percentages; an unusable website fails on its own', async () => {
    const ids = [`a1-${randomUUID()}`, `a2-${randomUUID()}`, `a3-${randomUUID()}`];
    const res = await create({
      accounts: [
        { account_id: ids[0], website: siteA.origin },
        { account_id: ids[1], website: null },
        { account_id: ids[2], website: siteB.origin },
      ],
      refresh: true,
    }).expect(200);
    const jobId = res.body.job_id as string;
    await terminals(jobId, 3);
    await waitFor(async () => (await status(jobId)).status !== 'processing', 'job to end');

    expect(django.envelopeProblems(jobId, TYPE)).toEqual([]);
    expect(django.of(jobId).every((b) => typeof b.account_id === 'string' && b.account_id)).toBe(
      true,
    );
    for (const [i, id] of [ids[0], ids[2]].map((id, k) => [k === 0 ? 1 : 3, id] as const)) {
      const stream = streamOf(jobId, id);
      const progress = stream.filter((b) => b.status === 'processing');
      expect(progress.map((b) => b.completion_percentage)).toEqual(seedAccountProgress(i, 3));
      const ends = stream.filter((b) => b.status !== 'processing');
      expect(ends).toHaveLength(1);
      expect(ends[0]).toMatchObject({
        status: 'completed',
        completion_percentage: seedAccountFinal(i, 3),
      });
      expect(stream[stream.length - 1]).toBe(ends[0]);
    }
    const bad = streamOf(jobId, ids[1]);
    expect(bad).toHaveLength(1);
    expect(bad[0]).toMatchObject({
      status: 'failed',
      completion_percentage: seedAccountFinal(2, 3),
      error_details: { error_type: 'INVALID_WEBSITE', retryable: false },
    });
    expect(bad[0].error_details.message).toMatch(/website/);

    const s = await status(jobId);
    expect(s.status).toBe('completed');
    expect(s.summary).toMatchObject({
      status: 'partially_completed',
      total_accounts: 3,
      successful_accounts: 2,
      failed_accounts: 1,
    });
    expect(s.summary.results[1]).toMatchObject({ status: 'failed', account_id: ids[1] });
  });

  it("a repeat returns the stored result at once and calls back each account from it (the seed's replay, under the new job id)", async () => {
    const accountId = `again-${randomUUID()}`;
    const body = { accounts: [{ account_id: accountId, website: siteB.origin }] };
    const first = await create(body).expect(200);
    await terminals(first.body.job_id, 1);
    const again = await create(body).expect(200);
    expect(again.body).toMatchObject({ status: 'scheduled', reused: true });
    expect(again.body.job_id).not.toBe(first.body.job_id);
    const [end] = await terminals(again.body.job_id, 1);
    expect(end).toMatchObject({
      job_id: again.body.job_id,
      account_id: accountId,
      status: 'completed',
      completion_percentage: 100,
    });
    expect(end.processed_data).toEqual(
      streamOf(first.body.job_id, accountId).find((b) => b.status === 'completed')!.processed_data,
    );
    expect(django.envelopeProblems(again.body.job_id, TYPE)).toEqual([]);
    expect((await status(again.body.job_id)).status).toBe('completed');
  });

  it('more than 100 accounts are taken in one job, each answered on its own stream', async () => {
    const n = 101;
    const ids = Array.from({ length: n }, (_, i) => `big-${i}-${randomUUID()}`);
    const res = await create({
      accounts: ids.map((account_id, i) => ({
        account_id,
        website: i === 0 ? siteA.origin : `not a domain ${i}`,
      })),
      refresh: true,
    }).expect(200);
    const jobId = res.body.job_id as string;
    const ends = await terminals(jobId, n);
    expect(ends).toHaveLength(n);
    expect(new Set(ends.map((b) => b.account_id))).toEqual(new Set(ids));
    ids.forEach((id, k) => {
      const end = ends.find((b) => b.account_id === id)!;
      expect(end.completion_percentage).toBe(seedAccountFinal(k + 1, n));
      expect(end.status).toBe(k === 0 ? 'completed' : 'failed');
    });
    expect(django.envelopeProblems(jobId, TYPE)).toEqual([]);
  });

  it('progress callbacks switch off per task; a job whose every account fails is failed, listed and retryable by force', async () => {
    const accountId = `quiet-${randomUUID()}`;
    const quiet = await create({
      accounts: [{ account_id: accountId, website: 'co.uk' }],
      callback_progress: false,
    }).expect(200);
    const jobId = quiet.body.job_id as string;
    await terminals(jobId, 1);
    await waitFor(async () => (await status(jobId)).status === 'failed', 'job to fail');
    expect(django.of(jobId)).toHaveLength(1);
    expect(django.of(jobId)[0]).toMatchObject({
      account_id: accountId,
      status: 'failed',
      completion_percentage: 100,
      error_details: { error_type: 'INVALID_WEBSITE', retryable: false },
    });

    // A4 failed list, with the booleans a Python client sends.
    const failed = await http()
      .get('/api/v1/tasks/failed')
      .query({ retryable_only: 'False', limit: 1000 })
      .set(auth)
      .expect(200);
    const row = (failed.body as Json[]).find((f) => f.job_id === jobId);
    expect(row).toMatchObject({ status: 'failed', retryable: false, entity_id: accountId });
    const retryableOnly = await http()
      .get('/api/v1/tasks/failed?retryable_only=True')
      .set(auth)
      .expect(200);
    expect((retryableOnly.body as Json[]).some((f) => f.job_id === jobId)).toBe(false);

    // Retry works for this type (the seed's never did); not-retryable needs force.
    const refused = await http().post(`/api/v1/tasks/${jobId}/retry`).set(auth).expect(400);
    expect(refused.body.detail).toMatch(/not retryable/);
    const retried = await http()
      .post(`/api/v1/tasks/${jobId}/retry?force=True`)
      .set(auth)
      .expect(200);
    expect(checkCreateResponse(retried.body, 'account_enhancement')).toEqual([]);
    expect(retried.body).toMatchObject({ job_id: jobId, original_job_id: jobId });
    // The retry is a new round: its account gets its own terminal callback again.
    const again = await waitFor(
      async () => (django.of(jobId).length >= 2 ? django.of(jobId) : null),
      'the retried round to call back',
    );
    expect(again).toHaveLength(2);
    expect(again[1]).toMatchObject({ account_id: accountId, status: 'failed' });
  });
});
