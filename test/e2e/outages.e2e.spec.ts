import { Queue } from 'bullmq';
import { REDIS_URL } from '../support/env';
import { OwnService, startOwnPostgres, startOwnRedis } from '../support/own-services';
import { authHeaders, useTestApp, waitFor } from '../support/test-app';

type Json = Record<string, any>;

/**
 * Outages of the app's own Redis / PostgreSQL (servers of this test, never the shared ones),
 * with the sweeps off: what recovers must recover by itself, within seconds of the dependency
 * coming back, without a 500 on the way.
 */
/**
 * For a describe block: a service of the test's own (`startService`) and the app on it (`env`
 * names it), started in beforeAll; the app is closed before the service in afterAll.
 */
function useAppOnOwn(
  startService: () => Promise<OwnService>,
  env: (service: OwnService) => Record<string, string>,
) {
  let own: OwnService | undefined;
  beforeAll(async () => {
    own = await startService();
  });
  const app = useTestApp(() => env(own!));
  afterAll(async () => {
    await own?.close();
  });
  return {
    app,
    get service(): OwnService {
      if (!own) throw new Error('the service starts in beforeAll');
      return own;
    },
  };
}

describe('outages (own Redis and PostgreSQL, sweeps off)', () => {
  describe('Redis down while tasks are created', () => {
    const suite = useAppOnOwn(startOwnRedis, (redis) => ({
      REDIS_URL: redis.url,
      SWEEPS_ENABLED: 'false',
    }));
    const { http } = suite.app;

    it('stores what is created during the outage and queues it as soon as Redis is back', async () => {
      const redis = suite.service;
      const before = await http()
        .post('/api/v1/tasks/create/diagnostic')
        .set(authHeaders)
        .send({ sleep_ms: 0 })
        .expect(200);
      await redis.stop();
      const during: string[] = [];
      for (let i = 0; i < 3; i++) {
        const res = await http()
          .post('/api/v1/tasks/create/diagnostic')
          .set(authHeaders)
          .send({ sleep_ms: 0, stages: ['a'] });
        expect(res.status).toBe(200);
        during.push(res.body.job_id);
      }
      for (const id of during) {
        const s = await http().get(`/api/v1/tasks/${id}`).set(authHeaders).expect(200);
        expect(s.body.status).toBe('queued');
      }
      await redis.start();
      // Created in the first moments after Redis is back, while the app may still reconnect.
      const after = await http()
        .post('/api/v1/tasks/create/diagnostic')
        .set(authHeaders)
        .send({ sleep_ms: 0 });
      expect(after.status).toBe(200);

      for (const id of [before.body.job_id, ...during, after.body.job_id]) {
        const done = await waitFor(
          async () => {
            const s = await http().get(`/api/v1/tasks/${id}`).set(authHeaders).expect(200);
            return s.body.status === 'succeeded' ? (s.body as Json) : null;
          },
          `task ${id} to run once Redis is back`,
          60_000,
        );
        expect(done.attempt_number).toBe(1);
      }
    });
  });

  describe('PostgreSQL down while a task runs and clients call', () => {
    const suite = useAppOnOwn(startOwnPostgres, (pg) => ({
      DATABASE_URL: pg.url.replace(/\/postgres$/, '/assay'),
      SWEEPS_ENABLED: 'false',
      STARTUP_CONNECT_TIMEOUT_MS: '2000',
    }));
    const { http } = suite.app;

    it('answers 503 with Retry-After naming PostgreSQL, and resumes the in-flight task once it is back', async () => {
      const pg = suite.service;
      const created = await http()
        .post('/api/v1/tasks/create/diagnostic')
        .set(authHeaders)
        .send({ sleep_ms: 4000, stages: ['a', 'b'] })
        .expect(200);
      const id = created.body.job_id as string;
      await waitFor(async () => {
        const s = await http().get(`/api/v1/tasks/${id}`).set(authHeaders).expect(200);
        return s.body.status === 'running' && s.body.stage === 'b' ? s.body : null;
      }, 'the task to reach stage b');

      await pg.stop();
      for (const call of [
        () => http().post('/api/v1/tasks/create/diagnostic').set(authHeaders).send({}),
        () => http().get(`/api/v1/tasks/${id}/status`).set(authHeaders),
        () => http().get('/api/v1/tasks').set(authHeaders),
      ]) {
        const res = await call();
        expect(res.status).toBe(503);
        expect(res.headers['retry-after']).toBe('5');
        expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
        expect(res.body).toMatchObject({ status: 503, dependency: 'postgres' });
        expect(res.body.detail).toMatch(/PostgreSQL is unavailable/);
        expect(res.text).not.toMatch(/at .*\.(ts|js):\d+/);
      }
      // The task ends during the outage: its job waits in Redis (delayed), instead of failing.
      const queue = new Queue('diagnostic', {
        connection: { host: '127.0.0.1', port: Number(new URL(REDIS_URL).port || 6379) },
        prefix: suite.app.t.config.REDIS_PREFIX,
      });
      try {
        await waitFor(
          async () => (await (await queue.getJob(id))?.getState()) === 'delayed',
          "the task's job to wait for PostgreSQL (delayed)",
        );
      } finally {
        await queue.close();
      }
      await pg.start();

      const done = await waitFor(
        async () => {
          const s = await http().get(`/api/v1/tasks/${id}`).set(authHeaders);
          return s.status === 200 && ['succeeded', 'failed'].includes(s.body.status)
            ? (s.body as Json)
            : null;
        },
        'the in-flight task to finish once PostgreSQL is back',
        90_000,
      );
      expect(done.status).toBe('succeeded');
      // Stage a was not run again.
      expect(done.result.stages[0]).toEqual({ name: 'a', ran_on_attempt: 1 });
    });
  });
});
