import { authHeaders, useTestApp, waitFor } from '../support/test-app';

/** The app of the operations-surface suites (operations-*.e2e.spec.ts) and their task helpers. */

export type Json = Record<string, any>;

/** For a describe block: the app with default settings, booted in beforeAll, closed in afterAll. */
export function useOperationsApp() {
  const app = useTestApp();
  const http = app.http;

  const create = (payload: object, headers: Record<string, string> = {}) =>
    http()
      .post('/api/v1/tasks/create/diagnostic')
      .set(authHeaders)
      .set(headers)
      .send(payload)
      .expect(200);

  const untilFinal = (id: string) =>
    waitFor(async () => {
      const res = await http().get(`/api/v1/tasks/${id}`).set(authHeaders).expect(200);
      return ['succeeded', 'failed', 'cancelled'].includes(res.body.status)
        ? (res.body as Json)
        : null;
    }, `task ${id} to finish`);

  return { app, http, create, untilFinal };
}
