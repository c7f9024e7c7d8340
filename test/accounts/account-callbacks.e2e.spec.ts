import { randomBytes, randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { WebhookReceiver } from '../support/webhook-receiver';
import { authHeaders, useTestApp, waitFor } from '../support/test-app';
import { CompanySite, startCompanySite } from './company-site-server';

const SECRET = `whsec_${randomBytes(32).toString('base64')}`;

/**
 * For a describe block: a fixture company site, a callback receiver and the app (reading sites and
 * calling back on 127.0.0.1, signing with SECRET; `env` adds settings, given the receiver).
 */
function useSiteAndReceiver(
  env: (receiver: WebhookReceiver) => Record<string, string> = () => ({}),
) {
  const receiver = new WebhookReceiver();
  let companySite: CompanySite | undefined;
  beforeAll(async () => {
    companySite = await startCompanySite('brightforge-plain');
    await receiver.start();
  });
  const app = useTestApp(() => ({
    WEB_FETCH_ALLOWED_HOSTS: '127.0.0.1',
    CALLBACK_ALLOWED_HOSTS: '127.0.0.1',
    CALLBACK_SIGNING_SECRET: SECRET,
    ...env(receiver),
  }));
  afterAll(async () => {
    await companySite?.close();
    await receiver.close();
  });
  return {
    app,
    receiver,
    get site(): CompanySite {
      if (!companySite) throw new Error('the site starts in beforeAll');
      return companySite;
    },
  };
}

/**
 * The callbacks an existing client of the seed gets for an account enhancement: signed progress
 * callbacks (`enrichment_type: company_info`), the early partial one carrying
 * `processed_data: {linkedin_url}` as the seed sent it, and the completed one with processed_data.
 */
describe('account enhancement callbacks (booted app, local site and receiver)', () => {
  const suite = useSiteAndReceiver();
  const { app, receiver } = suite;

  it('sends the early LinkedIn partial callback and a signed completed callback in the seed envelope', async () => {
    const accountId = `acct-cb-${randomUUID().slice(0, 8)}`;
    const res = await app
      .http()
      .post('/api/v1/tasks/create/account_enhancement')
      .set(authHeaders)
      .send({
        accounts: [{ account_id: accountId, website: `${suite.site.origin}/` }],
        callback_url: receiver.url('/api/v2/internal/enrichment-callback/'),
        callback_progress: true,
      })
      .expect(200);
    const jobId = res.body.job_id as string;

    const completed = await waitFor(
      async () =>
        receiver
          .on('/api/v2/internal/enrichment-callback/')
          .find((r) => r.body.job_id === jobId && r.body.status === 'completed'),
      'the completed callback',
    );
    const wh = new Webhook(SECRET);
    expect(() =>
      wh.verify(completed.raw, completed.headers as Record<string, string>),
    ).not.toThrow();
    expect(completed.body).toMatchObject({
      account_id: accountId,
      enrichment_type: 'company_info',
      status: 'completed',
      is_partial: false,
    });
    expect((completed.body.processed_data as Record<string, unknown>).company_name).toBeTruthy();

    const progress = receiver
      .on('/api/v2/internal/enrichment-callback/')
      .filter((r) => r.body.job_id === jobId && r.body.status === 'processing');
    expect(progress.length).toBeGreaterThan(1);
    for (const p of progress) {
      // is_partial only on the early LinkedIn callback, as the seed sent it.
      expect(p.body).toMatchObject({
        enrichment_type: 'company_info',
        is_partial: p.body.stage === 'linkedin_url',
      });
      expect(() => wh.verify(p.raw, p.headers as Record<string, string>)).not.toThrow();
    }
    const linkedin = progress.find((p) => p.body.stage === 'linkedin_url');
    expect(linkedin).toBeDefined();
    expect(linkedin!.body.processed_data).toEqual({
      linkedin_url: (completed.body.processed_data as Record<string, unknown>).linkedin_url,
    });
    expect(
      String((linkedin!.body.processed_data as { linkedin_url: string }).linkedin_url),
    ).toMatch(/linkedin\.com\/company\//);
  });
});

describe('CALLBACK_PROGRESS=false (booted app)', () => {
  const suite = useSiteAndReceiver((receiver) => ({
    CALLBACK_PROGRESS: 'false',
    CALLBACK_RAW_DATA: 'false',
    CALLBACK_URL: receiver.url('/django'),
  }));
  const { app, receiver } = suite;

  it('sends only the terminal callbacks, without raw_data, unless a task asks for progress', async () => {
    const create = (body: object) =>
      app
        .http()
        .post('/api/v1/tasks/create/account_enhancement')
        .set(authHeaders)
        .send(body)
        .expect(200);
    const quiet = await create({ account_id: `q-${randomUUID()}`, website: suite.site.origin });
    const loud = await create({
      account_id: `l-${randomUUID()}`,
      website: suite.site.origin,
      callback_progress: true,
      callback_raw_data: true,
    });
    const ends = (jobId: string) =>
      receiver
        .on('/django')
        .filter((r) => r.body.job_id === jobId && r.body.status !== 'processing');
    await waitFor(
      async () => ends(quiet.body.job_id).length && ends(loud.body.job_id).length,
      'ends',
    );
    const of = (jobId: string) => receiver.on('/django').filter((r) => r.body.job_id === jobId);
    expect(of(quiet.body.job_id).map((r) => r.body.status)).toEqual(['completed']);
    expect(of(quiet.body.job_id)[0].body).not.toHaveProperty('raw_data');
    const loudStatuses = of(loud.body.job_id).map((r) => r.body.status);
    expect(loudStatuses.filter((s) => s === 'processing')).toHaveLength(6);
    expect(ends(loud.body.job_id)[0].body.raw_data).toHaveProperty('jina_response');
  });
});
