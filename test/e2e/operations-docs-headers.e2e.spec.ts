import SwaggerParser from '@apidevtools/swagger-parser';
import { operationsOf } from '../support/openapi';
import { authHeaders } from '../support/test-app';
import { Json, useOperationsApp } from './operations-harness';

/** The API docs (a valid OpenAPI document, secured, Swagger UI), trace ids and security headers. */
describe('operations surface (metrics, docs, health, tracing, headers)', () => {
  const { http, create } = useOperationsApp();

  describe('API docs', () => {
    let doc: Json;

    beforeAll(async () => {
      const res = await http().get('/docs-json').expect(200);
      doc = res.body;
    });

    it('is a valid OpenAPI document', async () => {
      await expect(SwaggerParser.validate(structuredClone(doc) as any)).resolves.toBeDefined();
      expect(doc.openapi).toMatch(/^3\./);
    });

    const operations = () => operationsOf(doc);

    it('declares security (bearer or api-key) on every /api/v1 operation', () => {
      const api = operations().filter((o) => o.path.startsWith('/api/v1/'));
      expect(api.length).toBeGreaterThanOrEqual(7);
      const unsecured = api
        .filter(
          (o) =>
            !(o.op.security ?? doc.security ?? []).some(
              (req: Json) => 'bearer' in req || 'api-key' in req,
            ),
        )
        .map((o) => `${o.method.toUpperCase()} ${o.path}`);
      expect(unsecured).toEqual([]);
      expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(['api-key', 'bearer']);
    });

    it('documents a 2xx response with a schema for every operation', () => {
      const missing = operations()
        .filter(
          (o) =>
            !Object.entries((o.op.responses ?? {}) as Record<string, Json>).some(
              ([code, r]) =>
                /^2\d\d$/.test(code) &&
                Object.values((r.content ?? {}) as Record<string, Json>).some((m) => m.schema),
            ),
        )
        .map((o) => `${o.method.toUpperCase()} ${o.path}`);
      expect(missing).toEqual([]);
      expect(Object.keys(doc.paths)).toEqual(
        expect.arrayContaining(['/health', '/health/ready', '/metrics']),
      );
    });

    it('serves the Swagger UI, whose inline scripts the CSP does not block', async () => {
      const res = await http().get('/docs').expect(200);
      expect(res.headers['content-type']).toMatch(/text\/html/);
      expect(res.text).toMatch(/swagger-ui/i);
      expect(res.headers['content-security-policy']).toBeUndefined();
    });
  });

  describe('trace id', () => {
    it('takes the trace id of a W3C traceparent, stores it on the task and echoes it', async () => {
      const res = await create(
        { sleep_ms: 0 },
        { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' },
      );
      expect(res.headers['x-request-id']).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
      const full = await http().get(`/api/v1/tasks/${res.body.job_id}`).set(authHeaders);
      expect(full.body.trace_id).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    });

    it('uses x-request-id when there is no (valid) traceparent', async () => {
      const res = await create({ sleep_ms: 0 }, { 'x-request-id': 'req-ops-42' });
      expect(res.headers['x-request-id']).toBe('req-ops-42');
      const full = await http().get(`/api/v1/tasks/${res.body.job_id}`).set(authHeaders);
      expect(full.body.trace_id).toBe('req-ops-42');

      // An all-zero trace id is invalid per W3C: the request id wins.
      const zero = await create(
        { sleep_ms: 0 },
        {
          traceparent: '00-00000000000000000000000000000000-00f067aa0ba902b7-01',
          'x-request-id': 'req-ops-43',
        },
      );
      expect(zero.headers['x-request-id']).toBe('req-ops-43');
    });

    it('makes up a fresh id when neither header is usable', async () => {
      const res = await create({ sleep_ms: 0 }, { 'x-request-id': 'has spaces; and junk' });
      const id = res.headers['x-request-id'];
      expect(id).toMatch(/^[0-9a-f]{32}$/);
      const full = await http().get(`/api/v1/tasks/${res.body.job_id}`).set(authHeaders);
      expect(full.body.trace_id).toBe(id);
    });
  });

  describe('security headers', () => {
    it('sets helmet headers on API responses and hides the framework', async () => {
      for (const res of [
        await http().get('/api/v1/tasks').set(authHeaders).expect(200),
        await http().get('/api/v1/tasks').expect(401),
        await http().get('/health').expect(200),
      ]) {
        expect(res.headers['x-content-type-options']).toBe('nosniff');
        expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
        expect(res.headers['content-security-policy']).toContain("default-src 'self'");
        expect(res.headers['x-powered-by']).toBeUndefined();
      }
    });
  });
});
