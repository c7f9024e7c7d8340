import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { authHeaders, startTestApp, TestApp, waitFor } from '../../support/test-app';
import { Received, WebhookReceiver } from '../../support/webhook-receiver';
import {
  GOOGLE_ISSUER,
  GoogleTokenEndpointStub,
  redirectGoogleTokenUrl,
  ServiceAccountKeyFile,
  verifiedClaims,
} from './google-auth-stub';

type Json = Record<string, any>;

const SECRET = `whsec_${randomBytes(32).toString('base64')}`;
const BEARER = `assay-callback-${randomBytes(16).toString('hex')}`;

const verify = (r: Received) =>
  new Webhook(SECRET).verify(r.raw, r.headers as Record<string, string>) as Json;

/** A booted app with helpers around its API. */
function api(t: () => TestApp) {
  const http = () => request(t().app.getHttpServer());
  return {
    /** Creates a diagnostic task whose callback goes to `url`; returns its job id. */
    async createTask(url: string): Promise<string> {
      const res = await http()
        .post('/api/v1/tasks/create/diagnostic')
        .set(authHeaders)
        .send({ sleep_ms: 0, callback_url: url });
      // 202 today; the seed-compatible create route may answer 200.
      expect([200, 202]).toContain(res.status);
      return res.body.job_id as string;
    },
    async deliveries(jobId: string): Promise<Json[]> {
      const res = await http().get(`/api/v1/callbacks?job_id=${jobId}`).set(authHeaders);
      expect(res.status).toBe(200);
      return res.body.items as Json[];
    },
    /** Waits until the task has a delivery and every one of them is in `status`. */
    settled(jobId: string, test: (d: Json) => boolean, what: string): Promise<Json[]> {
      return waitFor(async () => {
        const items = await this.deliveries(jobId);
        return items.length > 0 && items.every(test) ? items : null;
      }, `deliveries of ${jobId} to be ${what}`);
    },
    /** GET /api/v1/callbacks/<id> as text (what an operator sees). */
    async detail(id: string): Promise<string> {
      const res = await http().get(`/api/v1/callbacks/${id}`).set(authHeaders);
      expect(res.status).toBe(200);
      return res.text;
    },
    /** Rows of the callback and task tables that hold `secret` anywhere (payload, last_error…). */
    async rowsHolding(secret: string): Promise<number> {
      const [row] = (await t()
        .app.get(DataSource)
        .query(
          `SELECT (SELECT count(*) FROM callback_deliveries d WHERE row_to_json(d)::text LIKE $1)
                + (SELECT count(*) FROM callback_endpoints e WHERE row_to_json(e)::text LIKE $1)
                + (SELECT count(*) FROM tasks k WHERE row_to_json(k)::text LIKE $1) AS n`,
          [`%${secret}%`],
        )) as { n: string }[];
      return Number(row.n);
    },
    async redeliver(id: string): Promise<void> {
      const res = await http().post(`/api/v1/callbacks/${id}/redeliver`).set(authHeaders);
      expect(res.status).toBe(202);
    },
  };
}

const ENV = {
  CALLBACK_SIGNING_SECRET: SECRET,
  CALLBACK_ALLOWED_HOSTS: '127.0.0.1',
  // A failed attempt waits an hour: the tests redeliver by hand, so every state is observable.
  CALLBACK_RETRY_SCHEDULE: '0,3600',
  CALLBACK_TIMEOUT_MS: '5000',
};

describe('callback credentials end to end (real Postgres + Redis, local receiver)', () => {
  let receiver: WebhookReceiver;
  beforeAll(async () => {
    receiver = await new WebhookReceiver().start();
  });
  afterAll(async () => {
    await receiver?.close();
  });

  describe('CALLBACK_AUTH=bearer', () => {
    let t: TestApp;
    const a = api(() => t);
    beforeAll(async () => {
      t = await startTestApp({
        ...ENV,
        CALLBACK_AUTH: 'bearer',
        CALLBACK_BEARER_TOKEN: BEARER,
      });
    });
    afterAll(async () => {
      await t?.close();
    });

    it('sends Authorization: Bearer <token> on a callback that still verifies', async () => {
      const jobId = await a.createTask(receiver.url('/bearer'));
      const [d] = await a.settled(jobId, (x) => x.status === 'delivered', 'delivered');
      const [got] = receiver.on('/bearer');

      expect(got.headers.authorization).toBe(`Bearer ${BEARER}`);
      expect(verify(got)).toMatchObject({ job_id: jobId });
      expect(got.headers['webhook-id']).toBe(d.id);
      expect(await a.detail(d.id)).not.toContain(BEARER);
      expect(await a.rowsHolding(BEARER)).toBe(0);
      expect(await a.rowsHolding(jobId)).toBeGreaterThan(0); // the search does find what is stored
    });

    it('keeps the token out of last_error when a receiver echoes it', async () => {
      receiver.handle('/echo', (r, nth, res) => {
        if (nth === 1) res.writeHead(401).end(`bad credentials: ${r.headers.authorization}`);
        else res.writeHead(204).end();
      });
      const jobId = await a.createTask(receiver.url('/echo'));
      const [failed] = await a.settled(jobId, (x) => x.status === 'failed', 'failed');

      expect(failed.last_status_code).toBe(401);
      expect(failed.last_error).toBe('HTTP 401: bad credentials: Bearer [credentials]');
      expect(JSON.stringify(await a.deliveries(jobId))).not.toContain(BEARER);
      expect(await a.detail(failed.id)).not.toContain(BEARER);
      expect(await a.rowsHolding(BEARER)).toBe(0);

      await a.redeliver(failed.id);
      await a.settled(jobId, (x) => x.status === 'delivered', 'delivered');
      expect(receiver.on('/echo').map((r) => r.headers.authorization)).toEqual([
        `Bearer ${BEARER}`,
        `Bearer ${BEARER}`,
      ]);
    });
  });

  describe('CALLBACK_AUTH=google_id_token with a key file', () => {
    let t: TestApp;
    let account: ServiceAccountKeyFile;
    let endpoint: GoogleTokenEndpointStub;
    let redirect: ReturnType<typeof redirectGoogleTokenUrl>;
    const a = api(() => t);

    beforeAll(async () => {
      account = new ServiceAccountKeyFile();
      endpoint = await new GoogleTokenEndpointStub(account).start();
      // google-auth-library ignores token_uri; its fixed Google URL is sent to the stub instead.
      redirect = redirectGoogleTokenUrl(endpoint.url);
      t = await startTestApp({
        ...ENV,
        CALLBACK_AUTH: 'google_id_token',
        CALLBACK_ID_TOKEN_KEY_FILE: account.writeKeyFile(endpoint.url),
      });
    });
    afterAll(async () => {
      await t?.close();
      redirect?.restore();
      await endpoint?.close();
      account?.remove();
    });

    it("sends a Google ID token for the receiver's origin, and the callback still verifies", async () => {
      const jobId = await a.createTask(receiver.url('/google'));
      const [d] = await a.settled(jobId, (x) => x.status === 'delivered', 'delivered');
      const [got] = receiver.on('/google');

      const header = String(got.headers.authorization);
      expect(header).toMatch(/^Bearer eyJ/);
      const token = header.slice('Bearer '.length);
      // What a receiver that verifies Google ID tokens checks (the Django seed's contract).
      expect(verifiedClaims(token, endpoint.googleKeys.publicKey)).toMatchObject({
        iss: GOOGLE_ISSUER,
        aud: `http://127.0.0.1:${receiver.port}`,
        email: account.email,
        email_verified: true,
      });
      expect(verify(got)).toMatchObject({ job_id: jobId });
      expect(got.headers['webhook-id']).toBe(d.id);

      const detail = await a.detail(d.id);
      expect(detail).not.toContain(token);
      expect(detail).not.toContain(token.split('.')[2]);
      expect(await a.rowsHolding(token.split('.')[2])).toBe(0);

      // A second callback to the same origin reuses the cached token.
      const second = await a.createTask(receiver.url('/google-again'));
      await a.settled(second, (x) => x.status === 'delivered', 'delivered');
      expect(receiver.on('/google-again')[0].headers.authorization).toBe(header);
      expect(endpoint.assertions).toHaveLength(1);
    });

    it('fails the attempt like a network error when no token can be minted, then delivers', async () => {
      // Another audience (not cached yet) whose mint the token endpoint refuses.
      const other = await new WebhookReceiver().start();
      try {
        endpoint.failWith = {
          status: 400,
          body: () => ({ error: 'invalid_grant', error_description: 'Invalid JWT Signature.' }),
        };
        const jobId = await a.createTask(other.url('/refused'));
        const [failed] = await a.settled(jobId, (x) => x.status === 'failed', 'failed');

        expect(failed).toMatchObject({
          attempts: 1,
          last_status_code: null,
          last_error: `CREDENTIALS: could not mint an ID token for http://127.0.0.1:${other.port}: invalid_grant: Invalid JWT Signature.`,
          next_attempt_at: expect.any(String),
        });
        expect(other.received).toHaveLength(0); // nothing is sent without credentials

        endpoint.failWith = null;
        await a.redeliver(failed.id);
        await a.settled(jobId, (x) => x.status === 'delivered', 'delivered');
        const [got] = other.on('/refused');
        const token = String(got.headers.authorization).slice('Bearer '.length);
        expect(verifiedClaims(token, endpoint.googleKeys.publicKey)).toMatchObject({
          aud: `http://127.0.0.1:${other.port}`,
        });
        expect(verify(got)).toMatchObject({ job_id: jobId });
      } finally {
        endpoint.failWith = null;
        await other.close();
      }
    });
  });
});
