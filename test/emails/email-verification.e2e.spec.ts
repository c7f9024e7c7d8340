import request from 'supertest';
import { TestSmtpServer } from '../support/smtp-server';
import { authHeaders, startTestApp, TestApp } from '../support/test-app';
import { domainOf, MailWorld, probes, smtpEnv } from './emails-harness';

/**
 * `POST /api/v1/emails/verify`: an email_verification task over the email.verify waterfall
 * (keyless: builtin_smtp against a loopback mail server), each address's verdict in the result.
 */
describe('email verification (POST /api/v1/emails/verify)', () => {
  let t: TestApp;
  let world: MailWorld;
  let smtp: TestSmtpServer;
  const globex = domainOf('verify-globex');
  const catchall = domainOf('verify-catchall');

  beforeAll(async () => {
    world = await MailWorld.start();
    world.domain(globex, { mailboxes: ['dreyes'] });
    world.domain(catchall, { catchAll: true });
    smtp = await TestSmtpServer.start({ rcpt: world.rcpt });
    t = await startTestApp(smtpEnv(world, smtp));
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
    await world?.dns.close();
  });

  it('gives each address its verdict: deliverable, undeliverable, risky at a catch-all domain', async () => {
    const res = await request(t.app.getHttpServer())
      .post('/api/v1/emails/verify?wait=60')
      .set(authHeaders)
      .send({ emails: [`dreyes@${globex}`, `nobody@${globex}`, `anyone@${catchall}`] });
    expect(res.status).toBe(200);
    expect(res.body.task_name).toBe('email_verification');
    const { results, counts } = res.body.result;
    expect(
      results.map((r: { email: string; status: string; provider: string }) => [
        r.email,
        r.status,
        r.provider,
      ]),
    ).toEqual([
      [`dreyes@${globex}`, 'deliverable', 'builtin_smtp'],
      [`nobody@${globex}`, 'undeliverable', 'builtin_smtp'],
      [`anyone@${catchall}`, 'risky', 'builtin_smtp'],
    ]);
    expect(results[2].catch_all).toBe(true);
    expect(counts).toEqual({ deliverable: 1, undeliverable: 1, risky: 1 });
    // Both of globex's addresses were asked about in one SMTP session.
    expect(probes(smtp, globex)).toEqual(
      expect.arrayContaining([`dreyes@${globex}`, `nobody@${globex}`]),
    );
    expect(smtp.connectionsFor(globex).length).toBe(1);
  });

  it('a dry run estimates and asks no mail server; bad input is a 400 naming the field', async () => {
    const other = domainOf('verify-dry');
    world.domain(other, { mailboxes: ['a'] });
    const dry = await request(t.app.getHttpServer())
      .post('/api/v1/emails/verify')
      .set(authHeaders)
      .send({ emails: [`a@${other}`], dry_run: true });
    expect(dry.status).toBe(200);
    expect(dry.body).toEqual(expect.objectContaining({ dry_run: true }));
    expect(smtp.connectionsFor(other)).toEqual([]);
    for (const emails of [[], ['not-an-address'], 'x@y.com']) {
      const bad = await request(t.app.getHttpServer())
        .post('/api/v1/emails/verify')
        .set(authHeaders)
        .send({ emails });
      expect(bad.status).toBe(400);
      expect(JSON.stringify(bad.body.errors)).toContain('emails');
    }
  });
});
