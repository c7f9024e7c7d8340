import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager, In } from 'typeorm';
import type { PersonProfile } from '../../../providers/person/person.types';
import { LeadEvaluationEntity, StoredEvaluation } from './lead-evaluation.entity';
import { FieldProvenance, LeadEntity } from './lead.entity';
import { fullName, linkedinKey, storedNameKey } from './lead-keys';

/** A person found for an account, as a task hands it over for storage. */
export interface LeadToSave {
  person: PersonProfile;
  /** The provider the person record came from (its `vendor_id` is that provider's id). */
  vendor: string | null;
  /** Provenance per top-level field of `person`. */
  provenance: Record<string, FieldProvenance>;
}

export interface LeadScope {
  tenantId: string | null;
  accountId: string;
  accountDomain: string | null;
  taskId: string | null;
}

export interface EvaluationToSave {
  leadUuid: string;
  taskId: string | null;
  productKey: string;
  productName: string | null;
  evaluation: StoredEvaluation;
}

export interface LeadListQuery {
  tenantId: string | null;
  accountId?: string;
  minScore?: number;
  persona?: string;
  /** Leads after this id (cursor). */
  afterId?: string;
  limit: number;
}

export interface LeadWithEvaluation {
  lead: LeadEntity;
  evaluation: LeadEvaluationEntity | null;
}

const defined = (o: object): Record<string, unknown> =>
  Object.fromEntries(
    Object.entries(o).filter(([, v]) => v !== undefined && v !== null && v !== ''),
  );

/** The only place that reads and writes `leads` and `lead_evaluations`. */
@Injectable()
export class LeadsRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  /**
   * Stores the people found for one account: a person already stored (same vendor id, LinkedIn
   * URL, or name at this account) is updated — fields merged, the newer value and its provenance
   * winning — otherwise added. Returns the stored rows in input order. One transaction, serialised
   * per (tenant, account) so two runs for the same account never add the same person twice.
   */
  async saveLeads(scope: LeadScope, leads: LeadToSave[]): Promise<LeadEntity[]> {
    const tenant = scope.tenantId ?? '';
    return this.ds.transaction(async (em) => {
      await em.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [
        `leads:${tenant}:${scope.accountId}`,
      ]);
      // Every stored row one of these people could be, read once: not three lookups per person.
      const index = new LeadIndex(await this.known(em, tenant, scope.accountId, leads));
      const out: LeadEntity[] = [];
      for (const l of leads) out.push(await this.saveOne(em, tenant, scope, l, index));
      return out;
    });
  }

  /** The tenant's rows with one of the leads' vendor ids or LinkedIn URLs, and the account's rows. */
  private known(
    em: EntityManager,
    tenant: string,
    accountId: string,
    leads: LeadToSave[],
  ): Promise<LeadEntity[]> {
    const vendorIds = [
      ...new Set(
        leads.flatMap((l) => (l.vendor && l.person.vendor_id ? [l.person.vendor_id] : [])),
      ),
    ];
    const linkedins = [...new Set(leads.flatMap((l) => linkedinKey(l.person.linkedin_url) ?? []))];
    return em.getRepository(LeadEntity).find({
      where: [
        { tenantId: tenant, accountId },
        ...(vendorIds.length ? [{ tenantId: tenant, vendorId: In(vendorIds) }] : []),
        ...(linkedins.length ? [{ tenantId: tenant, linkedinUrl: In(linkedins) }] : []),
      ],
    });
  }

  private async saveOne(
    em: EntityManager,
    tenant: string,
    scope: LeadScope,
    l: LeadToSave,
    index: LeadIndex,
  ): Promise<LeadEntity> {
    const linkedin = linkedinKey(l.person.linkedin_url);
    const existing = index.find(l, linkedin, scope.accountId);

    const person = { ...(existing?.person ?? {}), ...defined(l.person) } as PersonProfile;
    if (existing?.person && !l.person.obfuscated && existing.person.obfuscated)
      delete person.obfuscated;
    const provenance = { ...(existing?.provenance ?? {}), ...l.provenance };
    const before = existing ? { ...existing } : null;
    const row: LeadEntity = Object.assign(existing ?? new LeadEntity(), {
      id: existing?.id ?? randomUUID(),
      tenantId: tenant,
      // Found again for another account: the person is there now.
      accountId: scope.accountId,
      accountDomain: scope.accountDomain ?? existing?.accountDomain ?? null,
      vendor: existing?.vendorId ? existing.vendor : (l.vendor ?? existing?.vendor ?? null),
      vendorId: existing?.vendorId ?? l.person.vendor_id ?? null,
      linkedinUrl: existing?.linkedinUrl ?? linkedin,
      name: fullName(person) ?? existing?.name ?? null,
      title: person.title ?? null,
      seniority: person.seniority ?? null,
      person,
      provenance,
      lastTaskId: scope.taskId,
    });
    // A real name replaces a placeholder key unless another row of the account already has it.
    const nextKey = storedNameKey(person, row.vendor);
    if (!before) row.nameKey = nextKey;
    else if (nextKey !== before.nameKey && !index.nameTaken(row.accountId, nextKey, row.id))
      row.nameKey = nextKey;
    // Moved from another account whose namesake is already here: a key that cannot collide.
    if (before && index.nameTaken(row.accountId, row.nameKey, row.id)) row.nameKey = `~${row.id}`;
    const repo = em.getRepository(LeadEntity);
    if (before) {
      const { id, createdAt: _created, updatedAt: _updated, ...fields } = row;
      await repo.update({ id }, fields);
      row.updatedAt = new Date();
      index.forget(before);
    } else {
      await repo.insert(row);
    }
    index.add(row);
    return row;
  }

  async addEvaluations(rows: EvaluationToSave[]): Promise<void> {
    if (!rows.length) return;
    await this.ds.getRepository(LeadEvaluationEntity).insert(
      rows.map((r) => ({
        id: randomUUID(),
        leadUuid: r.leadUuid,
        taskId: r.taskId,
        productKey: r.productKey,
        productName: r.productName,
        fitScore: r.evaluation.fit_score,
        personaMatch: r.evaluation.persona_match,
        method: r.evaluation.method,
        evaluation: r.evaluation,
      })),
    );
  }

  /** Leads with their newest evaluation, by id; filters on that evaluation. */
  async list(q: LeadListQuery): Promise<LeadWithEvaluation[]> {
    const params: unknown[] = [q.tenantId];
    const where = [`($1::text IS NULL OR l.tenant_id = $1)`];
    const add = (sql: string, v: unknown) => {
      params.push(v);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (q.accountId) add(`l.account_id = ?`, q.accountId);
    if (q.afterId) add(`l.id > ?::uuid`, q.afterId);
    if (q.minScore !== undefined) add(`e.fit_score >= ?`, q.minScore);
    if (q.persona) add(`e.persona_match = ?`, q.persona);
    params.push(q.limit);
    const rows: Array<{ lead_id: string; evaluation_id: string | null }> = await this.ds.query(
      `SELECT l.id AS lead_id, e.id AS evaluation_id
         FROM leads l
         LEFT JOIN LATERAL (
           SELECT id, fit_score, persona_match FROM lead_evaluations
            WHERE lead_uuid = l.id ORDER BY created_at DESC, id DESC LIMIT 1
         ) e ON true
        WHERE ${where.join(' AND ')}
        ORDER BY l.id
        LIMIT $${params.length}`,
      params,
    );
    return this.hydrate(rows);
  }

  async findById(id: string, tenantId: string | null): Promise<LeadEntity | null> {
    const lead = await this.ds.getRepository(LeadEntity).findOneBy({ id });
    return lead && (tenantId === null || lead.tenantId === tenantId) ? lead : null;
  }

  /** A lead's evaluations, newest first. */
  evaluations(leadUuid: string, limit = 20): Promise<LeadEvaluationEntity[]> {
    return this.ds.getRepository(LeadEvaluationEntity).find({
      where: { leadUuid },
      order: { createdAt: 'DESC', id: 'DESC' },
      take: limit,
    });
  }

  private async hydrate(
    rows: Array<{ lead_id: string; evaluation_id: string | null }>,
  ): Promise<LeadWithEvaluation[]> {
    if (!rows.length) return [];
    const leads = await this.ds
      .getRepository(LeadEntity)
      .createQueryBuilder('l')
      .where('l.id IN (:...ids)', { ids: rows.map((r) => r.lead_id) })
      .getMany();
    const evalIds = rows.map((r) => r.evaluation_id).filter((x): x is string => !!x);
    const evals = evalIds.length
      ? await this.ds
          .getRepository(LeadEvaluationEntity)
          .createQueryBuilder('e')
          .where('e.id IN (:...ids)', { ids: evalIds })
          .getMany()
      : [];
    const leadById = new Map(leads.map((l) => [l.id, l]));
    const evalById = new Map(evals.map((e) => [e.id, e]));
    return rows.map((r) => ({
      lead: leadById.get(r.lead_id)!,
      evaluation: r.evaluation_id ? (evalById.get(r.evaluation_id) ?? null) : null,
    }));
  }
}

/** The stored leads a batch may match, by the keys a person is found again by. */
class LeadIndex {
  private readonly byVendor = new Map<string, LeadEntity>();
  private readonly byLinkedin = new Map<string, LeadEntity>();
  private readonly byName = new Map<string, LeadEntity>();

  constructor(rows: LeadEntity[]) {
    rows.forEach((r) => this.add(r));
  }

  private keys(
    r: Pick<LeadEntity, 'vendor' | 'vendorId' | 'linkedinUrl' | 'accountId' | 'nameKey'>,
  ) {
    return {
      vendor: r.vendor && r.vendorId ? `${r.vendor}\u0000${r.vendorId}` : null,
      linkedin: r.linkedinUrl,
      name: `${r.accountId}\u0000${r.nameKey}`,
    };
  }

  add(r: LeadEntity): void {
    const k = this.keys(r);
    if (k.vendor) this.byVendor.set(k.vendor, r);
    if (k.linkedin) this.byLinkedin.set(k.linkedin, r);
    this.byName.set(k.name, r);
  }

  /** Drops a row's keys as they were before an update (its new ones are added after). */
  forget(
    before: Pick<LeadEntity, 'vendor' | 'vendorId' | 'linkedinUrl' | 'accountId' | 'nameKey'>,
  ): void {
    const k = this.keys(before);
    if (k.vendor) this.byVendor.delete(k.vendor);
    if (k.linkedin) this.byLinkedin.delete(k.linkedin);
    this.byName.delete(k.name);
  }

  /** The stored person: same vendor id, else LinkedIn URL, else name at the account. */
  find(l: LeadToSave, linkedin: string | null, accountId: string): LeadEntity | undefined {
    return (
      (l.vendor && l.person.vendor_id
        ? this.byVendor.get(`${l.vendor}\u0000${l.person.vendor_id}`)
        : undefined) ??
      (linkedin ? this.byLinkedin.get(linkedin) : undefined) ??
      this.byName.get(`${accountId}\u0000${storedNameKey(l.person, l.vendor)}`)
    );
  }

  nameTaken(accountId: string, nameKey: string, exceptId: string): boolean {
    const r = this.byName.get(`${accountId}\u0000${nameKey}`);
    return !!r && r.id !== exceptId;
  }
}
