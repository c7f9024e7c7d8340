import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { authHeaders, startTestApp, TestApp, waitFor } from '../support/test-app';
import { CompanySite, startCompanySite } from './company-site-server';

/** A port nothing listens on (a server is opened and closed on it). */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

/**
 * account_enhancement end to end with no vendor key at all: the booted app (real Postgres and
 * Redis) reads a local fixture company site (WEB_FETCH_ALLOWED_HOSTS=127.0.0.1), stores the
 * account by domain with a versioned snapshot, and serves it through the accounts API.
 */
describe('account enhancement, keyless (booted app, local company site)', () => {
  let t: TestApp;
  let site: CompanySite;
  let other: CompanySite;
  const http = () => request(t.app.getHttpServer());
  const accountId = `acct-bf-${randomUUID().slice(0, 8)}`;

  const untilFinal = (id: string) =>
    waitFor(async () => {
      const s = (await http().get(`/api/v1/tasks/${id}/status`).set(authHeaders).expect(200)).body;
      return ['succeeded', 'failed', 'cancelled'].includes(s.assay_status) ? s : null;
    }, `task ${id} to finish`);
  const detail = async (id: string) =>
    (await http().get(`/api/v1/tasks/${id}`).set(authHeaders).expect(200)).body;
  const create = (body: object) =>
    http().post('/api/v1/tasks/create/account_enhancement').set(authHeaders).send(body);

  beforeAll(async () => {
    site = await startCompanySite('brightforge-plain');
    other = await startCompanySite('brightforge-plain');
    t = await startTestApp({
      WEB_FETCH_ALLOWED_HOSTS: '127.0.0.1',
      // The dead websites below are failures of builtin_web: keep its breaker closed for the later tests.
      PROVIDER_BREAKER_THRESHOLD: '1000',
    });
  });
  afterAll(async () => {
    await t?.close();
    await site?.close();
    await other?.close();
  });

  const domainOf = (s: CompanySite) => `127.0.0.1:${s.port}`;

  it('seed single form: the task reads the site and stores a sourced profile by domain (snapshot v1)', async () => {
    const res = await create({ account_id: accountId, website: `${site.origin}/` }).expect(200);
    const final = await untilFinal(res.body.job_id);
    expect(final.status).toBe('completed');
    const { result } = await detail(res.body.job_id);

    // The seed's summary, with the seed's processed_data keys of the account at the top.
    expect(result).toMatchObject({
      status: 'completed',
      is_bulk: false,
      total_accounts: 1,
      successful_accounts: 1,
      failed_accounts: 0,
      company_name: 'Brightforge',
      founded_year: 2016,
      linkedin_url: 'https://www.linkedin.com/company/brightforge-robotics',
    });
    const acct = result.results[0];
    expect(acct).toMatchObject({
      status: 'completed',
      account_id: accountId,
      domain: domainOf(site),
      version: 1,
    });
    expect(acct.processed_data.technologies).toEqual(expect.arrayContaining(['Nginx', 'jQuery']));
    expect(acct.processed_data.customers).toEqual(expect.arrayContaining(['Globex', 'Initech']));
    // Provenance: scraped from the site's pages.
    const name = acct.profile.fields.name.value;
    expect(name).toMatchObject({ value: 'Brightforge', method: 'scrape' });
    expect(name.source).toContain(site.origin);
    expect(acct.profile.fields.linkedin_url.value.method).toBe('scrape');
    expect(acct.field_sources.founded_year[0]).toContain(site.origin);
    // Vendors and LLM were skipped (not configured), and said so.
    expect(acct.sources).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ capability: 'company.profile', outcome: 'skipped' }),
        expect.objectContaining({ capability: 'tech.stack', outcome: 'skipped' }),
        expect.objectContaining({ capability: 'llm.generate', outcome: 'skipped' }),
      ]),
    );
    expect(acct.errors).toEqual([]);

    // The store: by our id, the caller's account_id and the domain (any spelling of the website).
    const byCaller = (
      await http().get(`/api/v1/accounts/${accountId}`).set(authHeaders).expect(200)
    ).body;
    expect(byCaller).toMatchObject({ domain: domainOf(site), account_id: accountId, version: 1 });
    expect(byCaller.processed_data.company_name).toBe('Brightforge');
    expect(byCaller.profile.fields.name.value.method).toBe('scrape');
    const byId = (await http().get(`/api/v1/accounts/${byCaller.id}`).set(authHeaders).expect(200))
      .body;
    expect(byId.id).toBe(byCaller.id);
    const byDomain = await http()
      .get(`/api/v1/accounts/${encodeURIComponent(`${site.origin}/about.html`)}`)
      .set(authHeaders)
      .expect(200);
    expect(byDomain.body.id).toBe(byCaller.id);
    const list = await http()
      .get('/api/v1/accounts')
      .query({ domain: `HTTP://127.0.0.1:${site.port}/customers` })
      .set(authHeaders)
      .expect(200);
    expect(list.body.items.map((a: { id: string }) => a.id)).toEqual([byCaller.id]);

    const history = (
      await http().get(`/api/v1/accounts/${accountId}/history`).set(authHeaders).expect(200)
    ).body;
    expect(history.snapshots).toHaveLength(1);
    expect(history.snapshots[0]).toMatchObject({ version: 1, task_id: res.body.job_id });
    expect(history.snapshots[0].changed_fields.map((c: { field: string }) => c.field)).toEqual(
      expect.arrayContaining(['company_name', 'founded_year', 'linkedin_url', 'technologies']),
    );
  });

  it('a repeat without refresh returns the stored result without reading the site again', async () => {
    site.reset();
    const res = await create({ account_id: accountId, website: `${site.origin}/` }).expect(200);
    expect(res.body).toMatchObject({
      status: 'scheduled',
      assay_status: 'succeeded',
      reused: true,
    });
    expect(site.requests).toHaveLength(0);
    const acct = (await http().get(`/api/v1/accounts/${accountId}`).set(authHeaders).expect(200))
      .body;
    expect(acct.version).toBe(1);
  });

  it('refresh reads the site again and writes snapshot v2 with the fields that changed', async () => {
    site.reset();
    site.edit = (file, html) => (file === 'about.html' ? html.replace(/2016/g, '2015') : html);
    try {
      const res = await create({
        account_id: accountId,
        website: `${site.origin}/`,
        refresh: true,
      }).expect(200);
      expect((await untilFinal(res.body.job_id)).status).toBe('completed');
      expect(site.requests.length).toBeGreaterThan(0);
      const { result } = await detail(res.body.job_id);
      expect(result.results[0]).toMatchObject({ version: 2, changed_fields: ['founded_year'] });

      const history = (
        await http().get(`/api/v1/accounts/${accountId}/history`).set(authHeaders).expect(200)
      ).body;
      expect(history.snapshots.map((s: { version: number }) => s.version)).toEqual([2, 1]);
      expect(history.snapshots[0].changed_fields).toEqual([
        { field: 'founded_year', before: 2016, after: 2015 },
      ]);
      const acct = (await http().get(`/api/v1/accounts/${accountId}`).set(authHeaders).expect(200))
        .body;
      expect(acct).toMatchObject({ version: 2, processed_data: { founded_year: 2015 } });
    } finally {
      site.edit = null;
    }
  });

  it('seed bulk form: one unreadable website → partially_completed with per-account results', async () => {
    const dead = `http://127.0.0.1:${await closedPort()}/`;
    const ids = [`acct-ok-${randomUUID().slice(0, 8)}`, `acct-dead-${randomUUID().slice(0, 8)}`];
    const res = await create({
      accounts: [
        { account_id: ids[0], website: other.origin },
        { account_id: ids[1], website: dead },
      ],
    }).expect(200);
    expect((await untilFinal(res.body.job_id)).status).toBe('completed');
    const { result } = await detail(res.body.job_id);
    expect(result).toMatchObject({
      status: 'partially_completed',
      is_bulk: true,
      total_accounts: 2,
      successful_accounts: 1,
      failed_accounts: 1,
      company_name: 'Brightforge',
    });
    expect(result.results[0]).toMatchObject({
      status: 'completed',
      account_id: ids[0],
      domain: domainOf(other),
    });
    expect(result.results[1]).toMatchObject({
      status: 'failed',
      account_id: ids[1],
      website: dead,
    });
    expect(result.results[1].error).toMatch(/could not read/);
    await http().get(`/api/v1/accounts/${ids[0]}`).set(authHeaders).expect(200);
    await http().get(`/api/v1/accounts/${ids[1]}`).set(authHeaders).expect(404);
  });

  it('a task whose every account fails fails, naming each website', async () => {
    const dead = `http://127.0.0.1:${await closedPort()}/`;
    const res = await create({
      accounts: [{ account_id: `acct-x-${randomUUID().slice(0, 8)}`, website: dead }],
    }).expect(200);
    const final = await untilFinal(res.body.job_id);
    expect(final.status).toBe('failed');
    expect(JSON.stringify(final)).toContain(dead);
  });

  it('POST /api/v1/accounts/enrich: dry run estimates (keyless: no paid call), then 202 with job_id + status_url', async () => {
    const dry = await http()
      .post('/api/v1/accounts/enrich')
      .set(authHeaders)
      .send({ website: other.origin, dry_run: true })
      .expect(200);
    expect(dry.body).toMatchObject({
      dry_run: true,
      task_name: 'account_enhancement',
      estimate: { calls: t.config.WEB_SITE_MAX_PAGES, cost_min_usd: 0, cost_max_usd: 0 },
    });
    const before = (await t.app.get(DataSource).query('SELECT count(*)::int AS n FROM tasks'))[0].n;

    const id = `acct-api-${randomUUID().slice(0, 8)}`;
    const res = await http()
      .post('/api/v1/accounts/enrich')
      .set(authHeaders)
      .send({ website: other.origin, account_id: id, name: 'Brightforge Robotics', refresh: true })
      .expect(202);
    expect(res.body.status_url).toBe(`/api/v1/tasks/${res.body.job_id}/status`);
    expect((await t.app.get(DataSource).query('SELECT count(*)::int AS n FROM tasks'))[0].n).toBe(
      before + 1,
    );
    expect((await untilFinal(res.body.job_id)).status).toBe('completed');
    // The domain was already stored (bulk test) under another caller id: the first id stays.
    const acct = (
      await http()
        .get(`/api/v1/accounts/${encodeURIComponent(other.origin)}`)
        .set(authHeaders)
        .expect(200)
    ).body;
    expect(acct.version).toBe(2);
  });

  it('bad input → 400 naming the field; no key → 401; unknown account → 404', async () => {
    const enrich = (body: object) =>
      http().post('/api/v1/accounts/enrich').set(authHeaders).send(body);
    const fields = (res: request.Response) =>
      res.body.errors.map((e: { field: string }) => e.field);

    expect(fields(await enrich({}).expect(400))).toContain('website');
    const notSite = await enrich({ website: 'co.uk' }).expect(400);
    expect(fields(notSite)).toEqual(['website']);
    expect(notSite.body.errors[0].message).toMatch(/public suffix/);
    expect(
      fields(await enrich({ website: 'acme.com', linkedin_url: 'https://acme.com' }).expect(400)),
    ).toEqual(['linkedin_url']);
    expect(fields(await enrich({ website: 'acme.com', budget_usd: -1 }).expect(400))).toEqual([
      'budget_usd',
    ]);

    expect(fields(await create({ accounts: [] }).expect(400))).toEqual(['accounts']);
    expect(fields(await create({ accounts: [{ account_id: 'a1' }] }).expect(400))).toEqual([
      'accounts[0].website',
    ]);
    expect(fields(await create({ account_id: 'a1' }).expect(400))).toEqual(['website']);

    expect(
      fields(
        await http().get('/api/v1/accounts').query({ domain: 'com' }).set(authHeaders).expect(400),
      ),
    ).toEqual(['domain']);
    await http().get('/api/v1/accounts').set(authHeaders).expect(400);
    await http().get('/api/v1/accounts/no-such-account-here').set(authHeaders).expect(404);
    expect(
      (
        await http()
          .get('/api/v1/accounts')
          .query({ domain: 'never-seen-company.com' })
          .set(authHeaders)
          .expect(200)
      ).body,
    ).toEqual({ items: [] });

    await http().post('/api/v1/accounts/enrich').send({ website: 'acme.com' }).expect(401);
    await http().get(`/api/v1/accounts/${accountId}`).expect(401);
    await http().get(`/api/v1/accounts/${accountId}/history`).expect(401);
    await http().get('/api/v1/accounts').query({ domain: 'acme.com' }).expect(401);
  });
});
