import { authHeaders, startTestApp, waitFor } from '../support/test-app';
import { WebhookReceiver } from '../support/webhook-receiver';
import { Json, useCallbacksApp, useOwnApps } from './callbacks-harness';

/**
 * Where a callback may go: callback_url refused at creation (metadata, private, loopback, disguised
 * spellings of the canary), a name that resolves to a blocked address dead-lettered at send time
 * without a connection, and no callback_url at all without a signing secret.
 */
describe('callbacks end to end (real Postgres + Redis, local receivers)', () => {
  const { http, create } = useCallbacksApp();

  describe('SSRF', () => {
    let canary: WebhookReceiver;
    beforeAll(async () => {
      canary = await new WebhookReceiver().start();
    });
    afterAll(async () => {
      await canary?.close();
    });

    it.each([
      ['http://169.254.169.254/latest/meta-data/', /metadata/],
      ['http://[fd00:ec2::254]/', /metadata/],
      ['http://10.0.0.1/hook', /private/],
      ['http://100.64.0.1/', /carrierGradeNat/],
      ['http://[::1]:9/', /loopback/],
      ['ftp://example.com/', /http:\/\//],
    ])('refuses callback_url %s at creation with a 400 naming the field', async (url, why) => {
      const res = await create({ callback_url: url }).expect(400);
      expect(res.body.errors).toEqual([
        { field: 'callback_url', message: expect.stringMatching(why) },
      ]);
    });

    it('refuses disguised spellings of the canary address, which sees no connection', async () => {
      for (const url of [
        `http://2130706433:${canary.port}/`,
        `http://0x7f.1:${canary.port}/`,
        `http://0177.0.0.1:${canary.port}/`,
        `http://[::ffff:127.0.0.1]:${canary.port}/`,
      ]) {
        const res = await create({ callback_url: url });
        expect(res.status).toBe(400);
        expect(res.body.errors[0].field).toBe('callback_url');
      }
      const batch = await http()
        .post('/api/v1/tasks/batch')
        .set(authHeaders)
        .send({
          task_name: 'diagnostic',
          payloads: [{}],
          callback_url: 'http://169.254.169.254/',
        })
        .expect(400);
      expect(batch.body.errors[0].field).toBe('callback_url');
      expect(canary.connections).toBe(0);
    });
  });
});

describe('callbacks after a crash, and send-time SSRF checks', () => {
  const { receiver, apps, start, http } = useOwnApps();

  it('dead-letters a delivery whose host resolves to a blocked address, without connecting', async () => {
    // No allow-list: `localhost` passes creation (names are checked when sending) and resolves
    // to 127.0.0.1, which is blocked then.
    const c = await start({});
    const connectionsBefore = receiver.connections;
    const res = await http(c)
      .post('/api/v1/tasks/create/diagnostic')
      .set(authHeaders)
      .send({ callback_url: `http://localhost:${receiver.port}/blocked` })
      .expect(200);
    const d = await waitFor(async () => {
      const items = (
        await http(c).get(`/api/v1/callbacks?job_id=${res.body.job_id}`).set(authHeaders)
      ).body.items as Json[];
      return items[0]?.status === 'dead' ? items[0] : null;
    }, 'the delivery to be dead');
    expect(d).toMatchObject({ attempts: 1, last_status_code: null });
    expect(d.last_error).toMatch(
      /^BLOCKED: blocked: localhost resolves to 127\.0\.0\.1 .*loopback/,
    );
    expect(receiver.on('/blocked')).toHaveLength(0);
    expect(receiver.connections).toBe(connectionsBefore);
    // Redelivering does not get it through either.
    await http(c).post(`/api/v1/callbacks/${d.id}/redeliver`).set(authHeaders).expect(202);
    await waitFor(async () => {
      const x = (await http(c).get(`/api/v1/callbacks/${d.id}`).set(authHeaders)).body;
      return x.status === 'dead' && x.attempts === 2;
    }, 'the redelivery to be dead too');
    expect(receiver.connections).toBe(connectionsBefore);
  });

  it('refuses callback_url with a clear message when no signing secret is configured', async () => {
    const n = await startTestApp({ CALLBACK_ALLOWED_HOSTS: '127.0.0.1' });
    apps.push(n);
    const res = await http(n)
      .post('/api/v1/tasks/create/diagnostic')
      .set(authHeaders)
      .send({ callback_url: receiver.url('/nosecret') })
      .expect(400);
    expect(res.body.errors[0]).toEqual({
      field: 'callback_url',
      message: expect.stringMatching(/no CALLBACK_SIGNING_SECRET/),
    });
    // Without a callback_url nothing changes.
    await http(n).post('/api/v1/tasks/create/diagnostic').set(authHeaders).send({}).expect(200);
  });
});
