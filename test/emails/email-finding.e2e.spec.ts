import request from 'supertest';
import { callbackEnv } from '../leads/leads-env';
import { TestSmtpServer } from '../support/smtp-server';
import { authHeaders, startTestApp, TestApp, waitFor } from '../support/test-app';
import { WebhookReceiver } from '../support/webhook-receiver';
import { LeadsRepository } from '../../src/modules/leads/storage/leads.repository';
import { domainOf, find, MailWorld, probes, smtpEnv } from './emails-harness';

const CALLBACK_PATH = '/hooks/emails';

/**
 * email_finding without any vendor key: permutations of the name verified by the built-in SMTP
 * verifier against a loopback mail server (DNS on loopback too), the result in a signed
 * callback, the addresses stored, feedback, and the stored pattern making a later find cheaper.
 */
describe('email finding, keyless (builtin_smtp only)', () => {
  let t: TestApp;
  let world: MailWorld;
  let smtp: TestSmtpServer;
  let receiver: WebhookReceiver;
  // Addresses of the form {f}{last}: the second pattern tried when a domain's pattern is unknown.
  const globex = domainOf('globex');
  const catchall = domainOf('catchall');

  beforeAll(async () => {
    world = await MailWorld.start();
    world.domain(globex, { mailboxes: ['dreyes', 'sortiz', 'info'] });
    world.domain(catchall, { catchAll: true });
    // A disposable-email domain (mailchecker's list) that accepts the address.
    world.domain('mailinator.com', { catchAll: true });
    smtp = await TestSmtpServer.start({ rcpt: world.rcpt });
    receiver = await new WebhookReceiver().start();
    t = await startTestApp({ ...smtpEnv(world, smtp), ...callbackEnv() });
  });
  afterAll(async () => {
    await t?.close();
    await receiver?.close();
    await smtp?.close();
    await world?.dns.close();
  });

  it('finds a person by permutation and SMTP, stores it, learns the pattern; after a bounce the next find still starts with it and probes one address', async () => {
    const res = await request(t.app.getHttpServer())
      .post('/api/v1/emails/find')
      .set(authHeaders)
      .send({
        domain: `https://www.${globex}/about`,
        first_name: 'Dana',
        last_name: 'Reyes',
        callback_url: receiver.url(CALLBACK_PATH),
      });
    expect(res.status).toBe(202);
    const jobId = res.body.job_id as string;
    const completed = await waitFor(
      async () =>
        receiver
          .on(CALLBACK_PATH)
          .find((r) => r.body.job_id === jobId && r.body.status === 'completed'),
      'the completed callback',
    );
    expect(completed.body).toMatchObject({ enrichment_type: 'email_finding', account_id: globex });
    const first = completed.body.processed_data as any;
    expect(first.domain).toBe(globex);
    expect(first.emails).toEqual([
      expect.objectContaining({
        email: `dreyes@${globex}`,
        type: 'primary',
        generic: false,
        status: 'deliverable',
        first_name: 'Dana',
        last_name: 'Reyes',
        source: 'request',
        method: 'inferred',
        pattern: '{f}{last}',
        verification: expect.objectContaining({ provider: 'builtin_smtp', catch_all: false }),
        provenance: expect.objectContaining({
          method: 'inferred',
          pattern: '{f}{last}',
          task_id: jobId,
          verification: expect.objectContaining({ status: 'deliverable', smtp_code: 250 }),
        }),
      }),
    ]);
    expect(first.emails[0].score).toBeGreaterThanOrEqual(90);
    // No pattern known: every permutation asked in one session.
    expect(first.counts.verified).toBe(first.counts.candidates);
    expect(first.counts.verified).toBeGreaterThanOrEqual(10);
    expect(first.pattern).toMatchObject({ pattern: '{f}{last}', source: 'stored' });
    expect(first.pattern.confidence).toBeCloseTo(0.8);
    const firstProbes = probes(smtp, globex);
    expect(firstProbes).toEqual(
      expect.arrayContaining([`dana.reyes@${globex}`, `dreyes@${globex}`]),
    );
    expect(smtp.connectionsFor(globex).length).toBe(1);

    const stored = await request(t.app.getHttpServer())
      .get(`/api/v1/emails?domain=${globex}`)
      .set(authHeaders);
    expect(stored.status).toBe(200);
    expect(stored.body.items).toEqual([
      expect.objectContaining({ email: `dreyes@${globex}`, active: true, status: 'deliverable' }),
    ]);

    const bounce = await request(t.app.getHttpServer())
      .post('/api/v1/emails/feedback')
      .set(authHeaders)
      .send({ email: `DReyes@${globex}`, outcome: 'bounced' });
    expect(bounce.status).toBe(200);
    expect(bounce.body).toMatchObject({
      email: `dreyes@${globex}`,
      updated: 1,
      active: false,
      pattern: { pattern: '{f}{last}', bounces: 1 },
    });
    expect(bounce.body.pattern.confidence).toBeLessThan(first.pattern.confidence);
    const after = await request(t.app.getHttpServer())
      .get(`/api/v1/emails?domain=${globex}`)
      .set(authHeaders);
    expect(after.body.items[0]).toMatchObject({ email: `dreyes@${globex}`, active: false });

    // The bounced address is never offered again (an SMTP "yes" does not outweigh a bounce).
    const again = await find(t, { domain: globex, first_name: 'Dana', last_name: 'Reyes' });
    expect(again.emails).toEqual([]);
    expect(again.counts.rejected).toMatchObject({ bounced: 1 });

    // Another person at the domain: the stored pattern's address is asked first, alone.
    smtp.reset();
    const second = await find(t, { domain: globex, full_name: 'Sam Ortiz' });
    expect(second.emails).toEqual([
      expect.objectContaining({
        email: `sortiz@${globex}`,
        status: 'deliverable',
        type: 'primary',
      }),
    ]);
    expect(second.counts.verified).toBe(1);
    expect(probes(smtp, globex)).toEqual([`sortiz@${globex}`]);
    expect(probes(smtp, globex).length).toBeLessThan(firstProbes.length);

    // A delivery confirms the pattern again.
    const delivered = await request(t.app.getHttpServer())
      .post('/api/v1/emails/feedback')
      .set(authHeaders)
      .send({ email: `dreyes@${globex}`, outcome: 'delivered' });
    expect(delivered.body).toMatchObject({ active: true, pattern: { pattern: '{f}{last}' } });
    expect(delivered.body.pattern.confidence).toBeGreaterThan(bounce.body.pattern.confidence);
  });

  it('a catch-all domain: every address is risky (accept_all), never deliverable; below the score threshold nothing is kept', async () => {
    const strict = await find(t, { domain: catchall, first_name: 'Lee', last_name: 'Park' });
    expect(strict.emails).toEqual([]);
    expect(strict.catch_all).toBe(true);
    expect(strict.counts).toMatchObject({
      kept: 0,
      rejected: { low_score: strict.counts.verified },
    });

    const lenient = await find(t, {
      domain: catchall,
      first_name: 'Lee',
      last_name: 'Park',
      min_score: 50,
    });
    expect(lenient.emails).toEqual([
      expect.objectContaining({
        email: `lee.park@${catchall}`,
        status: 'risky',
        type: 'secondary',
        reasons: expect.arrayContaining(['accept_all']),
      }),
    ]);
    expect(lenient.emails[0].verification.catch_all).toBe(true);
  });

  it('never keeps a disposable address, whatever the score threshold', async () => {
    const r = await find(t, {
      domain: 'mailinator.com',
      first_name: 'Kim',
      last_name: 'Lowe',
      min_score: 0,
    });
    expect(r.emails).toEqual([]);
    expect(r.counts.verified).toBeGreaterThan(0);
    expect(r.counts.rejected).toEqual({ disposable: r.counts.verified });
  });

  it('finds a stored lead by its name and account domain; lists by lead', async () => {
    const [lead] = await t.app
      .get(LeadsRepository)
      .saveLeads(
        { tenantId: null, accountId: `acct-${globex}`, accountDomain: globex, taskId: null },
        [
          {
            person: { name: 'Sam Ortiz', first_name: 'Sam', last_name: 'Ortiz', title: 'CFO' },
            vendor: null,
            provenance: {},
          },
        ],
      );
    const r = await find(t, { lead_id: lead.id });
    expect(r.emails).toEqual([
      expect.objectContaining({
        email: `sortiz@${globex}`,
        position: 'CFO',
        source: `lead:${lead.id}`,
      }),
    ]);
    const listed = await request(t.app.getHttpServer())
      .get(`/api/v1/emails?lead_id=${lead.id}`)
      .set(authHeaders);
    expect(listed.body.items).toEqual([
      expect.objectContaining({ email: `sortiz@${globex}`, lead_id: lead.id }),
    ]);
  });

  it('a domain without a vendor and without people found: an empty list, not an error', async () => {
    const r = await find(t, { domain: globex });
    expect(r).toMatchObject({ domain: globex, emails: [], counts: { kept: 0 } });
  });

  it.each([
    [{}, 'domain'],
    [{ domain: 'not a domain' }, 'domain'],
    [{ domain: 'acme.com', first_name: 'Ann' }, 'last_name'],
    [{ domain: 'acme.com', full_name: 'Ann' }, 'full_name'],
    [
      { domain: 'acme.com', full_name: 'Ann Lee', first_name: 'Ann', last_name: 'Lee' },
      'first_name',
    ],
    [{ lead_id: 'nope' }, 'lead_id'],
    [{ lead_id: '9b2f0c4e-8f1a-4c3e-9d55-0a0b0c0d0e0f', domain: 'acme.com' }, 'domain'],
    [{ domain: 'acme.com', max_emails: 0 }, 'max_emails'],
    [{ domain: 'acme.com', min_score: 101 }, 'min_score'],
  ])('400 for %j, naming %s', async (body, field) => {
    const res = await request(t.app.getHttpServer())
      .post('/api/v1/emails/find')
      .set(authHeaders)
      .send(body);
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body.errors ?? res.body)).toContain(field);
  });

  it('feedback: 400 for a bad outcome or address, 404 for an address never stored', async () => {
    const post = (body: object) =>
      request(t.app.getHttpServer()).post('/api/v1/emails/feedback').set(authHeaders).send(body);
    const bad = await post({ email: `x@${globex}`, outcome: 'opened' });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body.errors)).toContain('outcome');
    expect((await post({ email: 'not-an-address', outcome: 'bounced' })).status).toBe(400);
    expect((await post({ email: `nobody@${globex}`, outcome: 'bounced' })).status).toBe(404);
  });
});
