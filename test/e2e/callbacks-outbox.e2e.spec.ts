import { CallbackQueue } from '../../src/modules/callbacks/callback-queue';
import { CallbacksProcessor } from '../../src/modules/callbacks/callbacks.processor';
import { authHeaders, waitFor } from '../support/test-app';
import { Json, useOwnApps, verify } from './callbacks-harness';

/** The outbox: a delivery committed with its task but never queued is sent after a restart. */
describe('callbacks after a crash, and send-time SSRF checks', () => {
  const { receiver, apps, start, http } = useOwnApps();

  it('delivers after a restart what was committed but never queued', async () => {
    const a = await start({ CALLBACK_ALLOWED_HOSTS: '127.0.0.1' });
    // The relay of this instance is gone: what the outbox stores stays in Postgres.
    await a.app.get(CallbacksProcessor).worker!.close();
    const res = await http(a)
      .post('/api/v1/tasks/create/diagnostic')
      .set(authHeaders)
      .send({ callback_url: receiver.url('/crash') })
      .expect(200);
    const jobId = res.body.job_id;
    const [row] = await waitFor(async () => {
      const s = await http(a).get(`/api/v1/tasks/${jobId}/status`).set(authHeaders);
      if (s.body.status !== 'completed') return null;
      const items = (await http(a).get(`/api/v1/callbacks?job_id=${jobId}`).set(authHeaders)).body
        .items as Json[];
      return items.length ? items : null;
    }, 'task to succeed with its delivery stored');
    expect(row.status).toBe('pending');
    // As if the process died between the commit and the enqueue: no job in Redis.
    await a.app.get(CallbackQueue).queue.remove(row.id);
    expect(await a.app.get(CallbackQueue).queue.getJob(row.id)).toBeUndefined();
    await a.close();
    apps.splice(apps.indexOf(a), 1);
    expect(receiver.on('/crash')).toHaveLength(0);

    // A new instance on the same database and Redis: the callbacks sweep finds the row.
    const b = await start({
      CALLBACK_ALLOWED_HOSTS: '127.0.0.1',
      REDIS_PREFIX: a.config.REDIS_PREFIX,
      SWEEPS_ENABLED: 'true',
      SWEEP_CALLBACKS_INTERVAL_MS: '1000',
    });
    await waitFor(async () => receiver.on('/crash').length === 1, 'the callback after restart');
    const [got] = receiver.on('/crash');
    expect(got.headers['webhook-id']).toBe(row.id);
    expect(verify(got)).toMatchObject({ job_id: jobId, status: 'completed' });
    await waitFor(async () => {
      const d = (await http(b).get(`/api/v1/callbacks/${row.id}`).set(authHeaders)).body;
      return d.status === 'delivered';
    }, 'the delivery to be recorded as delivered');
  });
});
