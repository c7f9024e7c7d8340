import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
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
      const out: LeadEntity[] = [];
      for (const l of leads) out.push(await this.saveOne(em, tenant, scope, l));
      return out;
    });
  }

  private async saveOne(
    em: EntityManager,
    tenant: string,
    scope: LeadScope,
    l: LeadToSave,
  ): Promise<LeadEntity> {
    const repo = em.getRepository(LeadEntity);
    const linkedin = linkedinKey(l.person.linkedin_url);
    const key = storedNameKey(l.person, l.vendor);
    const existing =
      (l.vendor && l.person.vendor_id
        ? await repo.findOneBy({ tenantId: tenant, vendor: l.vendor, vendorId: l.person.vendor_id })
        : null) ??
      (linkedin ? await repo.findOneBy({ tenantId: tenant, linkedinUrl: linkedin }) : null) ??
      (await repo.findOneBy({ tenantId: tenant, accountId: scope.accountId, nameKey: key }));

    const person = { ...(existing?.person ?? {}), ...defined(l.person) } as PersonProfile;
    if (existing?.person && !l.person.obfuscated && existing.person.obfuscated)
      delete person.obfuscated;
    const provenance = { ...(existing?.provenance ?? {}), ...l.provenance };
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
    if (!existing) row.nameKey = nextKey;
    else if (nextKey !== existing.nameKey) {
      const taken = await repo.findOneBy({
        tenantId: tenant,
        accountId: row.accountId,
        nameKey: nextKey,
      });
      if (!taken) row.nameKey = nextKey;
    }
    return repo.save(row);
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
