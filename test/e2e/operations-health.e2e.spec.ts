import request from 'supertest';
import { authHeaders, startTestApp, TestApp, useTestApp } from '../support/test-app';

/** Health and readiness: Redis down, dependencies up, and the ops routes behind an API key. */

// First in the file: ioredis leaves a 2 s timer behind when it closes a connection that never came
// up; the suites below outlast it, so Jest exits promptly.
describe('readiness with Redis down (ASSAY_ROLE=api)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({
      ASSAY_ROLE: 'api',
      REDIS_URL: 'redis://127.0.0.1:1',
      STARTUP_CONNECT_TIMEOUT_MS: '1000',
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('answers 503 within a few seconds, naming redis as down and postgres as up', async () => {
    const started = Date.now();
    const res = await request(t.app.getHttpServer()).get('/health/ready').expect(503);
    expect(Date.now() - started).toBeLessThan(15000);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body).toMatchObject({
      status: 503,
      title: 'Service Unavailable',
      details: {
        postgres: { status: 'up' },
        redis: { status: 'down', message: expect.any(String) },
      },
    });
    expect(res.body.error).toHaveProperty('redis');
    expect(res.body.error).not.toHaveProperty('postgres');
  });

  it('still answers liveness', async () => {
    await request(t.app.getHttpServer()).get('/health').expect(200, { status: 'healthy' });
  });

  it('closes promptly although Redis never came up', async () => {
    const app = t;
    t = undefined as unknown as TestApp;
    const started = Date.now();
    await app.close();
    expect(Date.now() - started).toBeLessThan(15000);
  });
});

describe('operations surface (metrics, docs, health, tracing, headers)', () => {
  const { http } = useTestApp();

  describe('health', () => {
    it('GET /health answers healthy without touching dependencies', async () => {
      const res = await http().get('/health').expect(200);
      expect(res.body).toEqual({ status: 'healthy' });
    });

    it('GET /health/ready reports postgres, redis and queues up', async () => {
      const res = await http().get('/health/ready').expect(200);
      expect(res.body.status).toBe('ok');
      expect(res.body.details).toMatchObject({
        postgres: { status: 'up' },
        redis: { status: 'up' },
        queues: { status: 'up' },
      });
      expect(res.body.details.queues).toHaveProperty('diagnostic');
      expect(res.headers['cache-control']).toMatch(/no-store/);
    });
  });
});

describe('OPS_REQUIRE_API_KEY=true', () => {
  const { http } = useTestApp({ OPS_REQUIRE_API_KEY: 'true', ASSAY_ROLE: 'api' });

  it.each(['/metrics', '/health/ready', '/health'])('closes %s without a key', async (path) => {
    const res = await http().get(path).expect(401);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    await http().get(path).set('x-api-key', 'not-the-key-at-all-1234').expect(401);
  });

  it('opens them with a key (header or bearer)', async () => {
    const metrics = await http().get('/metrics').set(authHeaders).expect(200);
    expect(metrics.text).toContain('assay_http_request_duration_seconds');
    await http()
      .get('/health/ready')
      .set('authorization', `Bearer ${authHeaders['x-api-key']}`)
      .expect(200);
    await http().get('/health').set(authHeaders).expect(200);
  });
});
