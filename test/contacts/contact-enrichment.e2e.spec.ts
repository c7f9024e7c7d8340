import { randomBytes, randomUUID } from 'node:crypto';
import request from 'supertest';
import { authHeaders, startTestApp, TestApp, waitFor } from '../support/test-app';
import { fixture, VendorStub } from '../support/vendor-stub';
import { WebhookReceiver } from '../support/webhook-receiver';
import { apolloBulkMatch, BULK_MATCH_PATH } from '../support/apollo-bulk-match';
import { apolloEnv, contactList, detailsOf } from './apollo-bulk';

const CALLBACK_PATH = '/hooks/contacts';

/**
 * contact_enrichment through HTTP, the real app against Apollo's bulk_match at a local stub:
 * batches of 10, positional nulls kept as unenriched, transient 5xx retried (by the call path,
 * then by the task from its checkpoints), a refused key a clear failure, a re-run answered by
 * the cache, the dry run, and the completed callback carrying the result.
 */
describe('contact enrichment (HTTP, Apollo stub)', () => {
  let t: TestApp;
  let stub: VendorStub;
  let receiver: WebhookReceiver;
  const http = () => request(t.app.getHttpServer());
  const tag = () => randomBytes(4).toString('hex');
  const bulkCalls = () => stub.requests.filter((r) => r.path === BULK_MATCH_PATH).length;

  beforeAll(async () => {
    stub = await VendorStub.start(apolloBulkMatch);
    receiver = await new WebhookReceiver().start();
    t = await startTestApp({
      ...apolloEnv(stub.url),
      CALLBACK_ALLOWED_HOSTS: '127.0.0.1',
      CALLBACK_SIGNING_SECRET: `whsec_${Buffer.from(randomUUID()).toString('base64')}`,
    });
  });
  afterAll(async () => {
    await t?.close();
    await stub?.close();
    await receiver?.close();
  });
  beforeEach(() => stub.reset());

  it('25 contacts: 3 bulk calls, every contact kept in order, the result in the completed callback', async () => {
    const contacts = contactList(25, tag());
    const res = await http()
      .post('/api/v1/contacts/enrich')
      .set(authHeaders)
      .send({ contacts, callback_url: receiver.url(CALLBACK_PATH) });
    expect(res.status).toBe(202);
    const jobId = res.body.job_id as string;
    const done = await waitFor(
      async () =>
        receiver
          .on(CALLBACK_PATH)
          .find((r) => r.body.job_id === jobId && r.body.status === 'completed'),
      'the completed callback',
    );
    // Three batches at once: they may arrive in any order.
    expect(
      detailsOf(stub.requests)
        .map((d) => d.length)
        .sort((a, b) => b - a),
    ).toEqual([10, 10, 5]);
    const data = done.body.processed_data as any;
    expect(done.body).toMatchObject({ enrichment_type: 'contact_enrichment' });
    expect(data.contacts.map((c: any) => c.external_id)).toEqual(
      contacts.map((c) => c.external_id),
    );
    expect(data.summary).toEqual({
      total: 25,
      enriched: 13,
      unenriched: 12,
      duplicates: 0,
      vendor_calls: 3,
      cache_hits: 0,
      cost_usd: 1.3,
    });
    // A contact Apollo answered null for, by position: kept, unenriched, with its input values.
    expect(data.contacts[1]).toMatchObject({
      status: 'unenriched',
      reason: 'no_match',
      source: 'apollo',
      email: contacts[1].email,
      confidence: 0,
      enriched_at: null,
    });
    expect(data.contacts[0]).toMatchObject({
      status: 'enriched',
      source: 'apollo',
      email: contacts[0].email,
      job_title: 'Founder & CEO',
      company: 'Acme Corp',
      location: { city: 'San Francisco', state: 'California', country: 'United States' },
      provenance: { job_title: { source: 'apollo', method: 'api', task_id: jobId } },
    });
    // The task itself, as the status routes show it.
    const task = await http().get(`/api/v1/tasks/${jobId}`).set(authHeaders).expect(200);
    expect(task.body).toMatchObject({ status: 'succeeded', cost_usd: 1.3 });
  });

  it('a re-run of the same contacts, in another order, makes no vendor call', async () => {
    const contacts = contactList(25, tag());
    const first = await http()
      .post('/api/v1/tasks/create/contact_enrichment?wait=60')
      .set(authHeaders)
      .send({ contacts })
      .expect(200);
    expect(first.body.result.summary).toMatchObject({ vendor_calls: 3, cache_hits: 0 });
    expect(bulkCalls()).toBe(3);

    const again = await http()
      .post('/api/v1/contacts/enrich?wait=60')
      .set(authHeaders)
      .send({ contacts: [...contacts].reverse() })
      .expect(200);
    expect(again.body.status).toBe('succeeded');
    expect(bulkCalls()).toBe(3);
    expect(again.body.result.summary).toEqual({
      ...first.body.result.summary,
      vendor_calls: 0,
      cache_hits: 3,
      cost_usd: 0,
    });
    expect(again.body.result.contacts.map((c: any) => c.external_id)).toEqual(
      [...contacts].reverse().map((c) => c.external_id),
    );
  });

  it('dry run: the estimate, before anything is paid or stored', async () => {
    const contacts = contactList(25, tag());
    const res = await http()
      .post('/api/v1/contacts/enrich')
      .set(authHeaders)
      .send({ contacts: [...contacts, contacts[0]], dry_run: true })
      .expect(200);
    expect(res.body).toMatchObject({
      dry_run: true,
      task_name: 'contact_enrichment',
      estimate: { calls: 3, cost_min_usd: 0, cost_max_usd: 2.5 },
    });
    expect(res.body.estimate.notes[0]).toContain('25 unique, 1 duplicate(s)');
    expect(stub.requests).toHaveLength(0);
  });

  it('a 5xx is retried by the call path; an outage past the retries, by the task', async () => {
    stub.reply({ status: 503, json: { error: 'Service Unavailable' } });
    const blip = await http()
      .post('/api/v1/contacts/enrich?wait=60')
      .set(authHeaders)
      .send({ contacts: contactList(4, tag()) })
      .expect(200);
    expect(blip.body).toMatchObject({ status: 'succeeded', attempt_number: 1 });
    expect(stub.requests.map((r) => r.status)).toEqual([503, 200]);

    stub.reset();
    const down = { status: 503, json: { error: 'Service Unavailable' } };
    stub.reply(down, down, down, down);
    const outage = await http()
      .post('/api/v1/contacts/enrich?wait=60')
      .set(authHeaders)
      .send({ contacts: contactList(4, tag()) })
      .expect(200);
    expect(outage.body).toMatchObject({ status: 'succeeded', attempt_number: 2 });
    expect(outage.body.result.summary).toMatchObject({ enriched: 2, unenriched: 2 });
    expect(stub.requests.map((r) => r.status)).toEqual([503, 503, 503, 503, 200]);
  });

  it('a refused key fails the task at once with a clear error', async () => {
    stub.reply({ status: 401, json: fixture('apollo', 'error-401') });
    const res = await http()
      .post('/api/v1/contacts/enrich?wait=60')
      .set(authHeaders)
      .send({ contacts: contactList(6, tag()) })
      .expect(200);
    expect(res.body).toMatchObject({
      status: 'failed',
      attempt_number: 1,
      error: { code: 'AUTH', retryable: false },
    });
    expect(res.body.error.message).toContain('Invalid access credentials');
    expect(res.body.error.message).toContain('check APOLLO_API_KEY');
    expect(res.body.result).toMatchObject({ partial: true, summary: { total: 6, enriched: 0 } });
    expect(bulkCalls()).toBe(1);
  });

  it.each([
    [{ contacts: [{ name: 'Tim Zheng' }] }, 'contacts[0].email'],
    [{ contacts: [{ email: 'tim@acme.com' }, { email: 'nope' }] }, 'contacts[1].email'],
    [
      { contacts: [{ email: 'a@b.co', linkedin_url: 'example.com/x' }] },
      'contacts[0].linkedin_url',
    ],
    [{ contacts: [] }, 'contacts'],
    [{ contacts: 'tim@acme.com' }, 'contacts'],
  ])('refuses %j with a 400 naming %s', async (body, field) => {
    for (const path of ['/api/v1/tasks/create/contact_enrichment', '/api/v1/contacts/enrich']) {
      const res = await http().post(path).set(authHeaders).send(body);
      expect(res.status).toBe(400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    expect(stub.requests).toHaveLength(0);
  });
});
