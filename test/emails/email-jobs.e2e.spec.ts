import request from 'supertest';
import { DataSource } from 'typeorm';
import { LeadsRepository } from '../../src/modules/leads/storage/leads.repository';
import { SweepsService } from '../../src/modules/sweeps/sweeps.service';
import { TestSmtpServer } from '../support/smtp-server';
import { API_KEY } from '../support/env';
import { authHeaders, startTestApp, TestApp, waitFor } from '../support/test-app';
import { domainOf, MailWorld, runId, smtpEnv } from './emails-harness';

/** Holds the mail server's answers for a domain until opened (a job stays running meanwhile). */
class Gate {
  private opened!: () => void;
  private promise = this.reset();
  isOpen = false;
  private reset() {
    this.isOpen = false;
    return new Promise<void>((r) => (this.opened = r));
  }
  close() {
    this.promise = this.reset();
  }
  open() {
    this.isOpen = true;
    this.opened();
  }
  wait() {
    return this.promise;
  }
}

/**
 * Batch email jobs through HTTP: jobs over domains, lead ids and rows run as email_finding task
 * batches to an outcome; a lead is worked on by one job at a time (409 naming the holder, or
 * skipped); cancel, pause and resume; a dry run buys nothing; the sweep restarts a stuck job.
 * One worker slot (WORKER_CONCURRENCY=1), so a job's later tasks wait in the queue.
 */
describe('email jobs', () => {
  let t: TestApp;
  let world: MailWorld;
  let smtp: TestSmtpServer;
  const gate = new Gate();
  const globex = domainOf('jobs-globex');
  const initech = domainOf('jobs-initech');
  const held = domainOf('jobs-held');
  const http = () => request(t.app.getHttpServer());
  // A tenant of this file's own, for `all` (every stored lead of the caller's tenant).
  const tenant = `email-jobs-${runId}`;
  const tenantKey = `email-jobs-key-${runId}-0123456789abcdef`;

  beforeAll(async () => {
    world = await MailWorld.start();
    world.domain(globex, { mailboxes: ['dreyes', 'sortiz'] });
    world.domain(initech, { mailboxes: [] });
    world.domain(held, { mailboxes: ['mlee', 'jkim', 'apark', 'tnguyen'] });
    smtp = await TestSmtpServer.start({
      rcpt: async (address) => {
        if (address.endsWith(`@${held}`) && !gate.isOpen) await gate.wait();
        return world.rcpt(address);
      },
    });
    t = await startTestApp({
      ...smtpEnv(world, smtp),
      WORKER_CONCURRENCY: '1',
      ASSAY_API_KEYS: `${API_KEY},${tenantKey}:${tenant}`,
    });
  });
  afterAll(async () => {
    gate.open();
    await t?.close();
    await smtp?.close();
    await world?.dns.close();
  });

  const leads = (domain: string, names: string[], tenantId: string | null = null) =>
    t.app.get(LeadsRepository).saveLeads(
      { tenantId, accountId: `acct-${domain}`, accountDomain: domain, taskId: null },
      names.map((name) => {
        const [first_name, last_name] = name.split(' ');
        return {
          person: { name, first_name, last_name, title: 'CEO' },
          vendor: null,
          provenance: {},
        };
      }),
    );
  const create = (body: Record<string, unknown>) =>
    http().post('/api/v1/emails/jobs').set(authHeaders).send(body);
  const job = async (id: string) =>
    (await http().get(`/api/v1/emails/jobs/${id}`).set(authHeaders).expect(200)).body;
  const ended = (id: string, state = 'completed') =>
    waitFor(async () => {
      const j = await job(id);
      return j.state === state ? j : undefined;
    }, `email job ${state}`);
  const tasksOf = async (batchId: string) =>
    (await http().get(`/api/v1/tasks?batch_id=${batchId}&limit=100`).set(authHeaders).expect(200))
      .body.items as Array<{ status: string; task_name: string }>;

  it('a job over domains runs each as an email_finding task, to completed with progress; listed and counted', async () => {
    const res = await create({ domains: [`https://www.${globex}/`, initech, globex] });
    expect(res.status).toBe(201);
    expect(res.headers.location).toBe(`/api/v1/emails/jobs/${res.body.id}`);
    expect(res.body).toMatchObject({ kind: 'domains', state: 'running', progress: { total: 2 } });
    const done = await ended(res.body.id);
    expect(done.progress).toEqual({ processed: 2, total: 2, percent: 100 });
    expect(done.succeeded).toBe(2);
    expect(done.started_at).toEqual(expect.any(String));
    expect(done.completed_at).toEqual(expect.any(String));
    const tasks = await tasksOf(done.batch_ids[0]);
    expect(tasks.map((x) => [x.task_name, x.status])).toEqual([
      ['email_finding', 'succeeded'],
      ['email_finding', 'succeeded'],
    ]);

    const listed: string[] = [];
    let cursor: string | null = null;
    do {
      const page: any = (
        await http()
          .get(`/api/v1/emails/jobs?limit=2${cursor ? `&cursor=${cursor}` : ''}`)
          .set(authHeaders)
          .expect(200)
      ).body;
      expect(page.items.length).toBeLessThanOrEqual(2);
      listed.push(...page.items.map((j: { id: string }) => j.id));
      cursor = page.next_cursor;
    } while (cursor);
    expect(listed).toContain(res.body.id);
    const stats = (await http().get('/api/v1/emails/stats').set(authHeaders).expect(200)).body;
    expect(stats.jobs.completed).toBeGreaterThanOrEqual(1);
  });

  it('a job over lead ids finds and stores their addresses; with skip_existing a second job leaves the found leads out', async () => {
    const [dana, sam] = await leads(globex, ['Dana Reyes', 'Sam Ortiz']);
    const res = await create({ lead_ids: [dana.id, sam.id] });
    expect(res.status).toBe(201);
    const done = await ended(res.body.id);
    expect(done).toMatchObject({ succeeded: 2, emails_found: 2, error_message: null });
    expect(done.providers.builtin_smtp.calls).toBeGreaterThan(0);
    const stored = (
      await http().get(`/api/v1/emails?lead_id=${dana.id}`).set(authHeaders).expect(200)
    ).body.items;
    expect(stored).toEqual([expect.objectContaining({ email: `dreyes@${globex}` })]);

    const again = await create({ lead_ids: [dana.id, sam.id] });
    expect(again.status).toBe(201);
    expect(again.body).toMatchObject({ state: 'completed', skipped: 2, progress: { total: 0 } });
  });

  it("all: the tenant's stored leads without a deliverable address (limit honoured); found ones are left out next time", async () => {
    const as = { 'x-api-key': tenantKey };
    await leads(globex, ['Dana Reyes', 'Sam Ortiz'], tenant);
    await leads(initech, ['Zed Nobody'], tenant);
    const post = (body: Record<string, unknown>) =>
      http().post('/api/v1/emails/jobs').set(as).send(body);
    expect((await post({ all: true, dry_run: true })).body).toMatchObject({ total: 3, skipped: 0 });
    const first = await post({ all: true, limit: 2 });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ kind: 'all', progress: { total: 2 } });
    const done = await waitFor(async () => {
      const j = (await http().get(`/api/v1/emails/jobs/${first.body.id}`).set(as)).body;
      return j.state === 'completed' ? j : undefined;
    }, 'the all job');
    expect(done).toMatchObject({ succeeded: 2, emails_found: 2 });
    // Dana and Sam are found now: only Zed is left.
    expect((await post({ all: true, dry_run: true })).body).toMatchObject({ total: 1 });
    // The tenant's key lists its own job only.
    const tenantJobs = (await http().get('/api/v1/emails/jobs?limit=200').set(as)).body.items;
    expect(tenantJobs.map((j: { id: string }) => j.id)).toEqual([first.body.id]);
  });

  it('rows (a CSV upload) with names find the named people; a bad row is a 400 and stores nothing', async () => {
    const bad = await create({ rows: [{ domain: globex, first_name: 'Dana' }] });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body.errors)).toContain('payloads[0]');
    const res = await create({
      rows: [
        { domain: globex, full_name: 'Dana Reyes' },
        { domain: initech, full_name: 'Al Bo' },
      ],
      skip_existing: false,
    });
    expect(res.status).toBe(201);
    const done = await ended(res.body.id);
    expect(done).toMatchObject({ kind: 'rows', succeeded: 2, emails_found: 1 });
  });

  it('an uploaded CSV (text/csv): columns recognised by name, options as query parameters; bad files and rows are 400s naming them', async () => {
    const csv = (body: string, query = '') =>
      http()
        .post(`/api/v1/emails/jobs/csv${query}`)
        .set(authHeaders)
        .set('Content-Type', 'text/csv')
        .send(body);
    const file = [
      '\uFEFFCompany Website,First Name,Last Name,Notes',
      `https://www.${globex}/,Sam,Ortiz,"met at a fair, 2024"`,
      `${initech},Al,Bo,`,
    ].join('\r\n');
    const dry = await csv(file, '?dry_run=true&skip_existing=false');
    expect(dry.status).toBe(200);
    expect(dry.body).toMatchObject({ dry_run: true, total: 2 });
    const res = await csv(file, '?skip_existing=false&max_concurrent=1');
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ kind: 'rows', options: { max_concurrent: 1 } });
    const done = await ended(res.body.id);
    expect(done).toMatchObject({ succeeded: 2, emails_found: 1 });
    const tasks = await tasksOf(done.batch_ids[0]);
    expect(tasks).toHaveLength(2);

    const before = (await http().get('/api/v1/emails/stats').set(authHeaders).expect(200)).body;
    const cases: Array<[string, string, string]> = [
      ['name,title\nDana Reyes,CEO', '', 'body'],
      ['domain,first_name\n', '', 'body'],
      [`domain,first_name\n${globex},Dana\n,Nobody`, '', 'line 3'],
      [`domain\n${globex}`, '?max_concurrent=0', 'max_concurrent'],
      [`domain\n${globex}`, '?dry_run=maybe', 'dry_run'],
      [`domain\n${globex}`, '?colour=blue', 'colour'],
      ['domain\n"unclosed', '', 'body'],
    ];
    for (const [body, query, field] of cases) {
      const r = await csv(body, query);
      expect(r.status).toBe(400);
      expect(r.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    const json = await http()
      .post('/api/v1/emails/jobs/csv')
      .set(authHeaders)
      .send({ rows: [{ domain: globex }] });
    expect(json.status).toBe(415);
    const after = (await http().get('/api/v1/emails/stats').set(authHeaders).expect(200)).body;
    expect(after.jobs).toEqual(before.jobs);
  });

  it('two concurrent jobs over the same leads: one gets them, the other a 409 naming it; skip leaves them out; once it ends they are free', async () => {
    gate.close();
    const [mia, jo] = await leads(held, ['Mia Lee', 'Jo Kim']);
    const [fresh] = await leads(globex, ['Lou Free']);
    const both = await Promise.all([
      create({ lead_ids: [mia.id, jo.id] }),
      create({ lead_ids: [jo.id, mia.id] }),
    ]);
    expect(both.map((r) => r.status).sort()).toEqual([201, 409]);
    const winner = both.find((r) => r.status === 201)!.body;
    const loser = both.find((r) => r.status === 409)!.body;
    expect(loser.job_id).toBe(winner.id);
    expect(loser.detail).toContain(winner.id);

    // A dry run says the same and stores nothing.
    const dry = await create({ lead_ids: [mia.id], dry_run: true });
    expect(dry.status).toBe(409);
    expect(dry.body.job_id).toBe(winner.id);

    const skip = await create({ lead_ids: [mia.id, jo.id, fresh.id], on_conflict: 'skip' });
    expect(skip.status).toBe(201);
    expect(skip.body).toMatchObject({ skipped: 2, progress: { total: 1 } });

    gate.open();
    await ended(skip.body.id);
    await ended(winner.id);
    const later = await create({ lead_ids: [mia.id], skip_existing: false });
    expect(later.status).toBe(201);
    await ended(later.body.id);
  });

  it('a dry run counts and estimates, and buys nothing: no job, no task, no SMTP session', async () => {
    const dryDomain = domainOf('jobs-dry');
    world.domain(dryDomain, { mailboxes: ['x'] });
    const [a, b] = await leads(dryDomain, ['Ann Dry', 'Bob Dry']);
    const before = (await http().get('/api/v1/emails/stats').set(authHeaders).expect(200)).body;
    const res = await create({ lead_ids: [a.id, b.id], dry_run: true });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ dry_run: true, total: 2, skipped: 0 });
    // Only the keyless verifier here: one verification call per lead (its permutations in one
    // batch), nothing to pay.
    expect(res.body.estimate).toMatchObject({ calls: 2, cost_min_usd: 0, cost_max_usd: 0 });
    const after = (await http().get('/api/v1/emails/stats').set(authHeaders).expect(200)).body;
    expect(after.jobs).toEqual(before.jobs);
    expect(smtp.connectionsFor(dryDomain)).toEqual([]);
    const claims = await t.app
      .get(DataSource)
      .query(`SELECT * FROM email_job_claims WHERE lead_id = ANY($1::uuid[])`, [[a.id, b.id]]);
    expect(claims).toEqual([]);
  });

  it('max_concurrent: at most that many of its tasks are queued or running at once, all in one batch', async () => {
    gate.close();
    const people = await leads(held, ['Ida Max', 'Jo Max', 'Kim Max', 'Lu Max', 'Mo Max']);
    const res = await create({
      lead_ids: people.map((p) => p.id),
      skip_existing: false,
      max_concurrent: 2,
      batch_size: 10,
    });
    expect(res.status).toBe(201);
    expect(res.body.batch_ids).toHaveLength(1);
    // The first task waits on the mail server; only one more is queued, not the other three.
    await waitFor(
      async () =>
        (await tasksOf(res.body.batch_ids[0])).some((x) => x.status === 'running') || undefined,
      'the first task running',
    );
    const early = await tasksOf(res.body.batch_ids[0]);
    expect(early).toHaveLength(2);
    gate.open();
    const done = await ended(res.body.id);
    expect(done).toMatchObject({ progress: { processed: 5, total: 5 }, succeeded: 5 });
    expect(done.batch_ids).toHaveLength(1);
    // When each task was queued, at most one other task of the job had not ended.
    const overlaps: Array<{ n: number }> = await t.app.get(DataSource).query(
      `SELECT (SELECT count(*)::int FROM tasks o
                WHERE o.batch_id = t.batch_id AND o.id <> t.id AND o.created_at <= t.created_at
                  AND (o.finished_at IS NULL OR o.finished_at > t.created_at)) AS n
         FROM tasks t WHERE t.batch_id = $1`,
      [done.batch_ids[0]],
    );
    expect(overlaps).toHaveLength(5);
    expect(Math.max(...overlaps.map((o) => o.n))).toBeLessThanOrEqual(1);
  });

  it('pause queues no more of its items (the running task finishes); resume queues the rest; every lead ends processed once', async () => {
    gate.close();
    const people = await leads(held, ['Ana Park', 'Tam Nguyen', 'Mia Lee']);
    const res = await create({
      lead_ids: people.map((p) => p.id),
      skip_existing: false,
      max_concurrent: 1,
    });
    expect(res.status).toBe(201);
    await waitFor(
      async () =>
        (await tasksOf(res.body.batch_ids[0])).some((x) => x.status === 'running') || undefined,
      'one task running',
    );

    const paused = await http()
      .post(`/api/v1/emails/jobs/${res.body.id}/pause`)
      .set(authHeaders)
      .expect(200);
    expect(paused.body.state).toBe('paused');
    await http().post(`/api/v1/emails/jobs/${res.body.id}/pause`).set(authHeaders).expect(409);

    gate.open();
    await waitFor(
      async () => (await tasksOf(res.body.batch_ids[0])).every((x) => x.status === 'succeeded'),
      'the running task to finish',
    );
    // Its end queued nothing: the job is paused. The sweep does not feed a paused job either.
    await t.app.get(SweepsService).run('email_jobs');
    expect(await tasksOf(res.body.batch_ids[0])).toHaveLength(1);
    expect((await job(res.body.id)).state).toBe('paused');

    const resumed = await http()
      .post(`/api/v1/emails/jobs/${res.body.id}/resume`)
      .set(authHeaders)
      .expect(200);
    expect(resumed.body.batch_ids).toEqual(res.body.batch_ids);
    const done = await ended(res.body.id);
    expect(done).toMatchObject({
      progress: { processed: 3, total: 3, percent: 100 },
      succeeded: 3,
      emails_found: 3,
    });
    expect(await tasksOf(res.body.batch_ids[0])).toHaveLength(3);
    await http().post(`/api/v1/emails/jobs/${res.body.id}/resume`).set(authHeaders).expect(409);
  });

  it("cancel cancels the job's tasks through the engine and frees its leads", async () => {
    gate.close();
    const people = await leads(held, ['Cy Cancel', 'Di Cancel']);
    const res = await create({ lead_ids: people.map((p) => p.id) });
    expect(res.status).toBe(201);
    const cancelled = await http()
      .post(`/api/v1/emails/jobs/${res.body.id}/cancel`)
      .set(authHeaders)
      .expect(200);
    expect(cancelled.body).toMatchObject({ state: 'cancelled', completed_at: expect.any(String) });
    await http().post(`/api/v1/emails/jobs/${res.body.id}/cancel`).set(authHeaders).expect(409);
    gate.open();
    await waitFor(
      async () => (await tasksOf(res.body.batch_ids[0])).every((x) => x.status === 'cancelled'),
      'every task of the job cancelled',
    );
    const again = await create({ lead_ids: people.map((p) => p.id) });
    expect(again.status).toBe(201);
    await ended(again.body.id);
    await http()
      .get('/api/v1/emails/jobs/5a1e0000-0000-4000-8000-000000000000')
      .set(authHeaders)
      .expect(404);
  });

  it('the sweep restarts a running job left without tasks by a crash (reset to pending, then started), and starts an orphaned pending one', async () => {
    const [lead] = await leads(globex, ['Kai Stuck']);
    const ds = t.app.get(DataSource);
    // What a process dying between taking the job and storing its batch leaves behind.
    const [{ id }] = await ds.query(
      `INSERT INTO email_jobs (id, tenant_id, kind, options, state, items, total, started_at, updated_at)
       VALUES (gen_random_uuid(), '', 'leads', '{}', 'running', $1, 1, now() - interval '11 minutes',
               now() - interval '11 minutes') RETURNING id`,
      [JSON.stringify([{ lead_id: lead.id }])],
    );
    await ds.query(
      `INSERT INTO email_job_claims (tenant_id, lead_id, job_id) VALUES ('', $1, $2)`,
      [lead.id, id],
    );
    // And a pending job its creator never started (it died right after the job's transaction).
    const [orphanLead] = await leads(globex, ['Ola Orphan']);
    const [{ id: orphan }] = await ds.query(
      `INSERT INTO email_jobs (id, tenant_id, kind, options, state, items, total, updated_at)
       VALUES (gen_random_uuid(), '', 'leads', '{}', 'pending', $1, 1, now() - interval '2 minutes')
       RETURNING id`,
      [JSON.stringify([{ lead_id: orphanLead.id }])],
    );
    expect(await t.app.get(SweepsService).run('email_jobs')).toBeGreaterThanOrEqual(2);
    expect((await ended(orphan)).succeeded).toBe(1);
    const running = await job(id);
    expect(running.batch_ids.length).toBe(1);
    const done = await ended(id);
    expect(done).toMatchObject({ succeeded: 1, progress: { processed: 1, total: 1 } });
  });
});
