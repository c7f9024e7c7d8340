import { DataSource } from 'typeorm';
import { authHeaders } from '../support/test-app';
import { useCallbacksApp, verify } from './callbacks-harness';

/**
 * A receiver that fails: retries with the same webhook-id, dead letters and redelivery, redirects
 * never followed, Retry-After honoured, a URL disabled by 410 Gone.
 */
describe('callbacks end to end (real Postgres + Redis, local receivers)', () => {
  const { app, receiver, target, http, create, settled } = useCallbacksApp();

  describe('retries and dead letters', () => {
    it('retries a failing receiver with the same webhook-id, dead-letters it, and redelivers it', async () => {
      receiver.status('/down', 500);
      const res = await create({ callback_url: receiver.url('/down') }).expect(200);
      const [dead] = await settled(res.body.job_id, ['dead']);
      const tries = receiver.on('/down');
      // CALLBACK_RETRY_SCHEDULE=0,0.2,0.2: three attempts, then the dead letter.
      expect(tries).toHaveLength(3);
      expect(new Set(tries.map((r) => r.headers['webhook-id']))).toEqual(new Set([dead.id]));
      for (const r of tries) expect(verify(r).job_id).toBe(res.body.job_id);
      expect(dead).toMatchObject({ attempts: 3, last_status_code: 500, last_error: 'HTTP 500' });

      // The receiver is back: a redelivery sends the same message again, freshly signed.
      receiver.handle('/down', (_r, _n, out) => out.writeHead(204).end());
      const again = await http()
        .post(`/api/v1/callbacks/${dead.id}/redeliver`)
        .set(authHeaders)
        .expect(202);
      expect(again.body).toMatchObject({ id: dead.id, status: 'pending' });
      const [done] = await settled(res.body.job_id, ['delivered']);
      expect(done).toMatchObject({ id: dead.id, attempts: 4, last_status_code: 204 });
      const last = receiver.on('/down')[3];
      expect(last.headers['webhook-id']).toBe(dead.id);
      expect(last.raw).toBe(tries[0].raw);
      expect(verify(last).job_id).toBe(res.body.job_id);

      const metrics = (await http().get('/metrics').expect(200)).text;
      expect(metrics).toMatch(/assay_callbacks_total\{outcome="dead"\} [1-9]/);
      expect(metrics).toMatch(/assay_callbacks_total\{outcome="failed"\} [1-9]/);
      expect(metrics).toMatch(
        /assay_callback_delivery_duration_seconds_count\{outcome="delivered"\}/,
      );
    });

    it('counts a 3xx as a failure and never follows it', async () => {
      receiver.status('/moved', 302, { location: target.url('/elsewhere') });
      const res = await create({ callback_url: receiver.url('/moved') }).expect(200);
      const [dead] = await settled(res.body.job_id, ['dead']);
      expect(receiver.on('/moved')).toHaveLength(3);
      expect(target.connections).toBe(0);
      expect(dead.last_status_code).toBe(302);
      expect(dead.last_error).toMatch(/redirect to .*\/elsewhere not followed/);
    });

    it('honours Retry-After on a 429 as the minimum wait', async () => {
      receiver.handle('/throttled', (_r, nth, out) =>
        nth === 1 ? out.writeHead(429, { 'retry-after': '1' }).end() : out.writeHead(200).end(),
      );
      const res = await create({ callback_url: receiver.url('/throttled') }).expect(200);
      const [d] = await settled(res.body.job_id, ['delivered']);
      expect(d.attempts).toBe(2);
      const [first, second] = receiver.on('/throttled');
      const gap =
        Number(second.headers['webhook-timestamp']) - Number(first.headers['webhook-timestamp']);
      // The schedule says 0.2 s; Retry-After: 1 wins (timestamps are whole seconds).
      expect(gap).toBeGreaterThanOrEqual(1);
    });

    it('disables a URL that answers 410 Gone, until a forced redelivery re-enables it', async () => {
      receiver.status('/gone', 410);
      const first = await create({ callback_url: receiver.url('/gone') }).expect(200);
      const [d1] = await settled(first.body.job_id, ['disabled']);
      expect(d1).toMatchObject({ attempts: 1, last_status_code: 410 });
      expect(receiver.on('/gone')).toHaveLength(1);

      // Later deliveries to the URL are not sent at all.
      const second = await create({ callback_url: receiver.url('/gone') }).expect(200);
      const [d2] = await settled(second.body.job_id, ['disabled']);
      expect(d2.attempts).toBe(0);
      expect(receiver.on('/gone')).toHaveLength(1);

      const conflict = await http()
        .post(`/api/v1/callbacks/${d2.id}/redeliver`)
        .set(authHeaders)
        .expect(409);
      expect(conflict.body.detail).toMatch(/410 Gone.*force=true/);

      receiver.status('/gone', 200);
      await http()
        .post(`/api/v1/callbacks/${d2.id}/redeliver?force=true`)
        .set(authHeaders)
        .expect(202);
      await settled(second.body.job_id, ['delivered']);
      expect(receiver.on('/gone')).toHaveLength(2);
    });

    it('answers 404 for an unknown delivery and 409 for one still pending', async () => {
      await http().post('/api/v1/callbacks/msg_nope/redeliver').set(authHeaders).expect(404);
      await http().get('/api/v1/callbacks/msg_nope').set(authHeaders).expect(404);
      const ds = app.t.app.get(DataSource);
      const res = await create({ callback_url: receiver.url('/later') }).expect(200);
      const [d] = await settled(res.body.job_id, ['delivered']);
      await ds.query(`UPDATE callback_deliveries SET status = 'pending' WHERE id = $1`, [d.id]);
      const conflict = await http()
        .post(`/api/v1/callbacks/${d.id}/redeliver`)
        .set(authHeaders)
        .expect(409);
      expect(conflict.body.detail).toMatch(/waiting for its first attempt/);
      await ds.query(`UPDATE callback_deliveries SET status = 'delivered' WHERE id = $1`, [d.id]);
    });
  });
});
