import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { loadConfig } from '../../src/common/config/app.config';
import { ensureDatabase } from '../../src/common/startup/dependencies';
import { createDataSource } from '../../src/database/data-source';
import { runMigrations } from '../../src/database/migrate';
import type { FieldProvenance } from '../../src/modules/leads/storage/lead.entity';
import { StoredEvaluation } from '../../src/modules/leads/storage/lead-evaluation.entity';
import { LeadScope, LeadsRepository } from '../../src/modules/leads/storage/leads.repository';
import { testEnv } from '../support/test-app';

const prov = (source: string): FieldProvenance => ({
  source,
  method: 'api',
  retrieved_at: '2026-12-01T00:00:00.000Z',
  confidence: 0.9,
  cost_usd: 0,
  task_id: null,
});

const evaluation = (fit: number, persona: StoredEvaluation['persona_match']): StoredEvaluation => ({
  fit_score: fit,
  persona_match: persona,
  rationale: 'r',
  matching_signals: [],
  time_signals: [],
  method: 'rules',
  cost_usd: 0,
});

describe('LeadsRepository (PostgreSQL)', () => {
  let ds: DataSource;
  let repo: LeadsRepository;
  const tenant = `t-${randomBytes(4).toString('hex')}`;
  const scope = (accountId: string): LeadScope => ({
    tenantId: tenant,
    accountId,
    accountDomain: 'globex.com',
    taskId: null,
  });

  beforeAll(async () => {
    const config = loadConfig(testEnv());
    await ensureDatabase(config);
    await runMigrations(config);
    ds = createDataSource(config);
    await ds.initialize();
    repo = new LeadsRepository(ds);
  });
  afterAll(async () => {
    await ds?.query(`DELETE FROM leads WHERE tenant_id = $1`, [tenant]);
    await ds?.destroy();
  });

  it('an obfuscated search record and its enrichment are one lead (vendor id), the real name replacing the placeholder', async () => {
    const [found] = await repo.saveLeads(scope('acct-1'), [
      {
        vendor: 'apollo',
        person: { vendor_id: 'p1', first_name: 'Tim', obfuscated: true, title: 'CTO' },
        provenance: { title: prov('apollo') },
      },
    ]);
    expect(found.nameKey).toBe('~apollo:p1');
    const [enriched] = await repo.saveLeads(scope('acct-1'), [
      {
        vendor: 'apollo',
        person: {
          vendor_id: 'p1',
          first_name: 'Tim',
          last_name: 'Zheng',
          name: 'Tim Zheng',
          linkedin_url: 'http://www.linkedin.com/in/Tim-Zheng/',
          email: 'tim@globex.com',
        },
        provenance: { email: prov('apollo'), linkedin_url: prov('apollo') },
      },
    ]);
    expect(enriched.id).toBe(found.id);
    expect(enriched).toMatchObject({
      name: 'Tim Zheng',
      nameKey: 'tim zheng',
      title: 'CTO',
      linkedinUrl: 'linkedin.com/in/tim-zheng',
    });
    expect(enriched.person.obfuscated).toBeUndefined();
    expect(Object.keys(enriched.provenance).sort()).toEqual(['email', 'linkedin_url', 'title']);
  });

  it('finds a person again by LinkedIn URL from another source, and by name at the same account', async () => {
    const [a] = await repo.saveLeads(scope('acct-2'), [
      {
        vendor: 'apollo',
        person: {
          vendor_id: 'p2',
          name: 'Ana Núñez',
          linkedin_url: 'https://linkedin.com/in/ana-n',
        },
        provenance: {},
      },
    ]);
    const [b] = await repo.saveLeads(scope('acct-2'), [
      {
        vendor: 'enrichlayer',
        person: { linkedin_url: 'https://www.linkedin.com/in/ana-n?trk=x', headline: 'VP Sales' },
        provenance: {},
      },
    ]);
    const [c] = await repo.saveLeads(scope('acct-2'), [
      { vendor: null, person: { name: 'ana nunez', title: 'VP of Sales' }, provenance: {} },
    ]);
    expect(b.id).toBe(a.id);
    expect(c.id).toBe(a.id);
    expect(c.person).toMatchObject({ headline: 'VP Sales', title: 'VP of Sales', vendor_id: 'p2' });
    // The same name at another account is another person.
    const [d] = await repo.saveLeads(scope('acct-3'), [
      { vendor: null, person: { name: 'Ana Nunez' }, provenance: {} },
    ]);
    expect(d.id).not.toBe(a.id);
  });

  it('a person found again for another account moves there, even where a namesake is stored', async () => {
    const [moved] = await repo.saveLeads(scope('acct-5'), [
      { vendor: 'apollo', person: { vendor_id: 'p5', name: 'Kim Lee' }, provenance: {} },
    ]);
    const [namesake] = await repo.saveLeads(scope('acct-6'), [
      { vendor: null, person: { name: 'Kim Lee', title: 'Intern' }, provenance: {} },
    ]);
    const [again] = await repo.saveLeads(scope('acct-6'), [
      {
        vendor: 'apollo',
        person: { vendor_id: 'p5', name: 'Kim Lee', title: 'CFO' },
        provenance: {},
      },
    ]);
    expect(again.id).toBe(moved.id);
    expect(again).toMatchObject({ accountId: 'acct-6', title: 'CFO' });
    expect(again.nameKey).not.toBe(namesake.nameKey);
    const ids = (await repo.list({ tenantId: tenant, accountId: 'acct-6', limit: 10 })).map(
      (r) => r.lead.id,
    );
    expect(ids.sort()).toEqual([moved.id, namesake.id].sort());
  });

  it('lists by account with the newest evaluation, filtered by score and persona, paged by id', async () => {
    const saved = await repo.saveLeads(
      scope('acct-4'),
      ['Bo One', 'Cy Two', 'Di Three'].map((name) => ({
        vendor: null,
        person: { name },
        provenance: {},
      })),
    );
    const base = { taskId: null, productKey: 'p', productName: 'Widget' };
    await repo.addEvaluations([
      { ...base, leadUuid: saved[0].id, evaluation: evaluation(40, null) },
      { ...base, leadUuid: saved[1].id, evaluation: evaluation(90, 'buyer') },
    ]);
    // A newer evaluation of the first lead supersedes the older one.
    await repo.addEvaluations([
      { ...base, leadUuid: saved[0].id, evaluation: evaluation(70, 'buyer') },
    ]);

    const all = await repo.list({ tenantId: tenant, accountId: 'acct-4', limit: 10 });
    expect(all).toHaveLength(3);
    const buyers = await repo.list({
      tenantId: tenant,
      accountId: 'acct-4',
      minScore: 60,
      persona: 'buyer',
      limit: 10,
    });
    expect(buyers.map((r) => r.lead.name).sort()).toEqual(['Bo One', 'Cy Two']);
    expect(buyers.find((r) => r.lead.name === 'Bo One')!.evaluation!.fitScore).toBe(70);

    const first = await repo.list({ tenantId: tenant, accountId: 'acct-4', limit: 2 });
    const rest = await repo.list({
      tenantId: tenant,
      accountId: 'acct-4',
      limit: 2,
      afterId: first[1].lead.id,
    });
    expect([...first, ...rest].map((r) => r.lead.id)).toEqual(all.map((r) => r.lead.id));
    // Another tenant sees none of them.
    expect(await repo.list({ tenantId: 'other', accountId: 'acct-4', limit: 10 })).toEqual([]);
    expect(await repo.findById(saved[0].id, 'other')).toBeNull();
    expect((await repo.evaluations(saved[0].id)).map((e) => e.fitScore)).toEqual([70, 40]);
  });
});
