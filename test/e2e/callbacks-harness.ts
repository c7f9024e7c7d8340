import { DynamicModule } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import request from 'supertest';
import { authHeaders, startTestApp, TestApp, useTestApp, waitFor } from '../support/test-app';
import { Received, WebhookReceiver } from '../support/webhook-receiver';

/** What the callbacks suites share (callbacks-*.e2e.spec.ts): a signing secret, the apps, receivers. */

export type Json = Record<string, any>;

export const SECRET = `whsec_${randomBytes(32).toString('base64')}`;

/** The body of a received callback, once its Standard Webhooks signature is verified. */
export const verify = (r: Received) =>
  new Webhook(SECRET).verify(r.raw, r.headers as Record<string, string>) as Json;

/**
 * For a describe block: one app (signing with SECRET, callbacks allowed to 127.0.0.1, retries after
 * 0, 0.2 and 0.2 s) and two receivers: `receiver` gets the callbacks, `target` is where a redirect
 * points (it must see no connection). Booted in beforeAll, closed in afterAll.
 */
export function useCallbacksApp(extraModules: DynamicModule['imports'] = []) {
  const receiver = new WebhookReceiver();
  const target = new WebhookReceiver();
  beforeAll(async () => {
    await receiver.start();
    await target.start();
  });
  const app = useTestApp(
    {
      CALLBACK_SIGNING_SECRET: SECRET,
      CALLBACK_ALLOWED_HOSTS: '127.0.0.1',
      CALLBACK_RETRY_SCHEDULE: '0,0.2,0.2',
      CALLBACK_TIMEOUT_MS: '3000',
    },
    extraModules,
  );
  afterAll(async () => {
    await receiver.close();
    await target.close();
  });
  const http = app.http;

  const create = (payload: Json, name = 'diagnostic') =>
    http().post(`/api/v1/tasks/create/${name}`).set(authHeaders).send(payload);

  const deliveries = async (jobId: string): Promise<Json[]> =>
    (await http().get(`/api/v1/callbacks?job_id=${jobId}`).set(authHeaders).expect(200)).body.items;

  /** Waits until every delivery of the task is in one of `statuses` (and there is at least one). */
  const settled = (jobId: string, statuses: string[], count = 1) =>
    waitFor(
      async () => {
        const items = await deliveries(jobId);
        return items.length >= count && items.every((d) => statuses.includes(d.status))
          ? items
          : null;
      },
      `deliveries of ${jobId} to be ${statuses.join('/')}`,
    );

  const status = async (id: string) =>
    (await http().get(`/api/v1/tasks/${id}/status`).set(authHeaders).expect(200)).body;

  return { app, receiver, target, http, create, deliveries, settled, status };
}

/**
 * For a describe block whose tests start apps of their own (`start(env)`: signing with SECRET),
 * and one receiver; every app still open is closed in afterAll.
 */
export function useOwnApps() {
  const receiver = new WebhookReceiver();
  const apps: TestApp[] = [];
  beforeAll(async () => {
    await receiver.start();
  });
  afterAll(async () => {
    for (const a of apps) await a.close().catch(() => undefined);
    await receiver.close();
  });
  const start = async (env: Record<string, string>) => {
    const app = await startTestApp({ CALLBACK_SIGNING_SECRET: SECRET, ...env });
    apps.push(app);
    return app;
  };
  const http = (a: TestApp) => request(a.app.getHttpServer());
  return { receiver, apps, start, http };
}
