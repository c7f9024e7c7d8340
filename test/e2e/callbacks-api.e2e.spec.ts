import { DataSource } from 'typeorm';
import { SweepsService } from '../../src/modules/sweeps/sweeps.service';
import { authHeaders } from '../support/test-app';
import { Json, useCallbacksApp } from './callbacks-harness';

/** The deliveries as records: the callbacks API (list, filters, paging, docs) and their retention. */
describe('callbacks end to end (real Postgres + Redis, local receivers)', () => {
  const { app, receiver, http, create, settled } = useCallbacksApp();

  describe('retention', () => {
    it('the callbacks sweep deletes finished deliveries past TASK_RETENTION_DAYS', async () => {
      const res = await create({ callback_url: receiver.url('/old') }).expect(200);
      const [d] = await settled(res.body.job_id, ['delivered']);
      const ds = app.t.app.get(DataSource);
      await ds.query(
        `UPDATE callback_deliveries SET created_at = now() - interval '31 days' WHERE id = $1`,
        [d.id],
      );
      expect(await app.t.app.get(SweepsService).run('callbacks')).toBeGreaterThanOrEqual(1);
      await http().get(`/api/v1/callbacks/${d.id}`).set(authHeaders).expect(404);
    });
  });

  describe('API', () => {
    // What the listing shows: three deliveries at least (two pages of two), one of them dead.
    beforeAll(async () => {
      receiver.status('/api-down', 500);
      const dead = await create({ callback_url: receiver.url('/api-down') }).expect(200);
      await settled(dead.body.job_id, ['dead']);
      for (let i = 0; i < 2; i++) {
        const ok = await create({ callback_url: receiver.url('/api-ok') }).expect(200);
        await settled(ok.body.job_id, ['delivered']);
      }
    });

    it('lists deliveries with filters and cursor paging, and documents the webhook', async () => {
      const all = await http().get('/api/v1/callbacks?limit=2').set(authHeaders).expect(200);
      expect(all.body.items).toHaveLength(2);
      expect(all.body.next_cursor).toEqual(expect.any(String));
      const next = await http()
        .get(`/api/v1/callbacks?limit=2&cursor=${all.body.next_cursor}`)
        .set(authHeaders)
        .expect(200);
      expect(next.body.items[0].id).not.toBe(all.body.items[1].id);
      const dead = await http().get('/api/v1/callbacks?status=dead').set(authHeaders).expect(200);
      expect(dead.body.items.length).toBeGreaterThan(0);
      expect(dead.body.items.every((d: Json) => d.status === 'dead')).toBe(true);
      await http().get('/api/v1/callbacks?status=lost').set(authHeaders).expect(400);
      await http().get('/api/v1/callbacks?cursor=zzz').set(authHeaders).expect(400);
      await http().get('/api/v1/callbacks?job_id=not-a-uuid').set(authHeaders).expect(400);
      await http().get('/api/v1/callbacks').expect(401);

      const doc = (await http().get('/docs-json').expect(200)).body;
      expect(doc.paths).toHaveProperty(['/api/v1/callbacks']);
      expect(doc.paths).toHaveProperty(['/api/v1/callbacks/{id}/redeliver']);
      expect(doc.components.schemas.CallbackEnvelopeDto.properties).toHaveProperty('job_id');
      expect(
        doc['x-webhooks'].taskCallback.post.requestBody.content['application/json'].schema,
      ).toEqual({ $ref: '#/components/schemas/CallbackEnvelopeDto' });
    });
  });
});
