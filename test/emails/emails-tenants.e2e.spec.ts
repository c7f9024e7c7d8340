import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { TestSmtpServer } from '../support/smtp-server';
import { startTestApp, TestApp } from '../support/test-app';
import { domainOf, find, MailWorld, smtpEnv } from './emails-harness';

const OPERATOR = `operator-key-${randomBytes(8).toString('hex')}`;
const KEY_A = `tenant-a-key-${randomBytes(8).toString('hex')}`;
const KEY_B = `tenant-b-key-${randomBytes(8).toString('hex')}`;
/** Tenant names of this suite alone: the run's database is shared by every suite. */
const TENANT_A = `tenant-a-${randomBytes(4).toString('hex')}`;
const TENANT_B = `tenant-b-${randomBytes(4).toString('hex')}`;
const as = (key: string) => ({ 'x-api-key': key });

/**
 * Stored addresses and patterns are per tenant: a tenant-bound key lists its own rows only, cannot
 * report feedback on another tenant's address, and does not profit from its pattern.
 */
describe('emails per tenant', () => {
  let t: TestApp;
  let world: MailWorld;
  let smtp: TestSmtpServer;
  const hooli = domainOf('hooli');

  beforeAll(async () => {
    world = await MailWorld.start();
    world.domain(hooli, { mailboxes: ['gbelson', 'rhendricks'] });
    smtp = await TestSmtpServer.start({ rcpt: world.rcpt });
    t = await startTestApp({
      ...smtpEnv(world, smtp),
      ASSAY_API_KEYS: `${OPERATOR},${KEY_A}:${TENANT_A},${KEY_B}:${TENANT_B}`,
    });
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
    await world?.dns.close();
  });

  it("a tenant sees and acts on its own addresses only; another tenant's pattern is not used", async () => {
    const a = await find(t, { domain: hooli, full_name: 'Gavin Belson' }, as(KEY_A));
    expect(a.emails.map((e: { email: string }) => e.email)).toEqual([`gbelson@${hooli}`]);

    const list = (key: string) =>
      request(t.app.getHttpServer()).get(`/api/v1/emails?domain=${hooli}`).set(as(key));
    expect((await list(KEY_A)).body.items.map((e: { email: string }) => e.email)).toEqual([
      `gbelson@${hooli}`,
    ]);
    expect((await list(KEY_B)).body.items).toEqual([]);
    expect((await list(OPERATOR)).body.items.length).toBe(1);

    const feedback = (key: string) =>
      request(t.app.getHttpServer())
        .post('/api/v1/emails/feedback')
        .set(as(key))
        .send({ email: `gbelson@${hooli}`, outcome: 'bounced' });
    expect((await feedback(KEY_B)).status).toBe(404);
    expect((await list(KEY_A)).body.items[0].active).toBe(true);

    // Tenant A's learned pattern orders tenant A's candidates only.
    const b = await find(t, { domain: hooli, full_name: 'Richard Hendricks' }, as(KEY_B));
    expect(b.emails.map((e: { email: string }) => e.email)).toEqual([`rhendricks@${hooli}`]);
    expect(b.counts.verified).toBeGreaterThan(1);
    const a2 = await find(t, { domain: hooli, full_name: 'Richard Hendricks' }, as(KEY_A));
    expect(a2.counts.verified).toBe(1);
  });
});
