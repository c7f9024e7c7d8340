import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { stableStringify } from '../../common/stable-json';
import { AccountEntity } from './account.entity';
import { AccountSnapshotEntity, FieldChange } from './account-snapshot.entity';
import type { AccountEnhancementProcessedData, MergedProfile } from './extraction';

export interface SaveEnhancement {
  domain: string;
  /** The tenant of the task (null: an operator's); with accountId, the reference stored. */
  tenantId: string | null;
  accountId: string | null;
  name: string | null;
  website: string;
  taskId: string | null;
  profile: MergedProfile;
  processedData: AccountEnhancementProcessedData;
  fieldSources: Record<string, string[]>;
}

export interface SavedEnhancement {
  account: AccountEntity;
  snapshot: AccountSnapshotEntity;
}

const isEmpty = (v: unknown) =>
  v == null ||
  v === '' ||
  (Array.isArray(v) && v.length === 0) ||
  (typeof v === 'object' && !Array.isArray(v) && Object.keys(v as object).length === 0);

/** processed_data fields that differ between two versions (every non-empty one against none). */
export function changedFields(
  before: Record<string, unknown> | null,
  after: Record<string, unknown>,
): FieldChange[] {
  const keys = [...new Set([...Object.keys(before ?? {}), ...Object.keys(after)])].sort();
  const out: FieldChange[] = [];
  for (const field of keys) {
    const b = before?.[field] ?? null;
    const a = after[field] ?? null;
    if (isEmpty(b) && isEmpty(a)) continue;
    if (stableStringify(b) !== stableStringify(a)) out.push({ field, before: b, after: a });
  }
  return out;
}

/** The only place that reads and writes `accounts` and `account_snapshots`. */
@Injectable()
export class AccountsRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  findById(id: string): Promise<AccountEntity | null> {
    return this.ds.getRepository(AccountEntity).findOneBy({ id });
  }

  findByDomain(domain: string): Promise<AccountEntity | null> {
    return this.ds.getRepository(AccountEntity).findOneBy({ domain });
  }

  /**
   * The account a caller's account_id names: within the tenant; for an operator (null), its own
   * references first, then any tenant's (newest).
   */
  async findByCallerId(accountId: string, tenant: string | null): Promise<AccountEntity | null> {
    const rows: Array<{ account_uuid: string }> = await this.ds.query(
      `SELECT account_uuid FROM account_refs
        WHERE account_id = $1 AND ($2::text IS NULL OR tenant_id = $2)
        ORDER BY (tenant_id = '') DESC, updated_at DESC LIMIT 1`,
      [accountId, tenant],
    );
    return rows.length ? this.findById(rows[0].account_uuid) : null;
  }

  /** Whether the tenant ever enriched this account (operators see every account). */
  async visibleTo(accountUuid: string, tenant: string | null): Promise<boolean> {
    if (tenant === null) return true;
    const rows: unknown[] = await this.ds.query(
      `SELECT 1 FROM account_refs WHERE account_uuid = $1 AND tenant_id = $2 LIMIT 1`,
      [accountUuid, tenant],
    );
    return rows.length > 0;
  }

  /** The caller ids of an account, within the tenant (operators: every tenant's), oldest first. */
  async callerIds(accountUuid: string, tenant: string | null): Promise<string[]> {
    const rows: Array<{ account_id: string }> = await this.ds.query(
      `SELECT account_id FROM account_refs
        WHERE account_uuid = $1 AND account_id IS NOT NULL AND ($2::text IS NULL OR tenant_id = $2)
        ORDER BY created_at, account_id`,
      [accountUuid, tenant],
    );
    return [...new Set(rows.map((r) => r.account_id))];
  }

  /** The tenant of a task (null when it has none or is gone): snapshot task ids stay within a tenant. */
  async taskTenants(taskIds: string[]): Promise<Map<string, string | null>> {
    if (!taskIds.length) return new Map();
    const rows: Array<{ id: string; tenant_id: string | null }> = await this.ds.query(
      `SELECT id, tenant_id FROM tasks WHERE id = ANY($1::uuid[])`,
      [taskIds],
    );
    return new Map(rows.map((r) => [r.id, r.tenant_id]));
  }

  /** Newest first. */
  history(accountUuid: string, limit: number): Promise<AccountSnapshotEntity[]> {
    return this.ds
      .getRepository(AccountSnapshotEntity)
      .find({ where: { accountUuid }, order: { version: 'DESC' }, take: limit });
  }

  /**
   * Stores one enhancement: the account of the domain (created, or found and locked) gets the new
   * profile and version n+1, snapshot n+1 records it with the fields that changed, and the
   * caller's (tenant, account_id) points at it — moved here if the caller's id named another
   * account before (its website changed). One transaction.
   */
  save(e: SaveEnhancement): Promise<SavedEnhancement> {
    return this.ds.transaction(async (em) => {
      const account = await this.lockOrCreate(em, e);
      const version = account.version + 1;
      const changes = changedFields(
        account.version ? (account.processedData as unknown as Record<string, unknown>) : null,
        e.processedData as unknown as Record<string, unknown>,
      );
      const now = new Date();
      await em.getRepository(AccountEntity).update(
        { id: account.id },
        {
          // The first caller id stays (shown to operators); every id is in account_refs.
          accountId: account.accountId ?? e.accountId,
          name: e.processedData.company_name ?? e.name ?? account.name,
          website: e.website,
          profile: e.profile as never,
          processedData: e.processedData as never,
          fieldSources: e.fieldSources,
          version,
          lastTaskId: e.taskId,
          enhancedAt: now,
        },
      );
      await this.saveRef(em, account.id, e.tenantId ?? '', e.accountId);
      const snapshot = em.getRepository(AccountSnapshotEntity).create({
        id: randomUUID(),
        accountUuid: account.id,
        version,
        taskId: e.taskId,
        profile: e.profile,
        processedData: e.processedData,
        changedFields: changes,
      });
      await em.getRepository(AccountSnapshotEntity).insert(snapshot as never);
      const saved = (await em.getRepository(AccountEntity).findOneBy({ id: account.id }))!;
      const snap = (await em.getRepository(AccountSnapshotEntity).findOneBy({ id: snapshot.id }))!;
      return { account: saved, snapshot: snap };
    });
  }

  private async saveRef(
    em: EntityManager,
    accountUuid: string,
    tenant: string,
    accountId: string | null,
  ): Promise<void> {
    if (accountId) {
      await em.query(
        `INSERT INTO account_refs (id, tenant_id, account_id, account_uuid) VALUES ($1, $2, $3, $4)
         ON CONFLICT (tenant_id, account_id) WHERE account_id IS NOT NULL
         DO UPDATE SET account_uuid = EXCLUDED.account_uuid, updated_at = now()`,
        [randomUUID(), tenant, accountId, accountUuid],
      );
    } else {
      await em.query(
        `INSERT INTO account_refs (id, tenant_id, account_id, account_uuid) VALUES ($1, $2, NULL, $3)
         ON CONFLICT (tenant_id, account_uuid) WHERE account_id IS NULL DO NOTHING`,
        [randomUUID(), tenant, accountUuid],
      );
    }
  }

  private async lockOrCreate(em: EntityManager, e: SaveEnhancement): Promise<AccountEntity> {
    const lock = () =>
      em
        .getRepository(AccountEntity)
        .createQueryBuilder('a')
        .setLock('pessimistic_write')
        .where({ domain: e.domain })
        .getOne();
    const existing = await lock();
    if (existing) return existing;
    await em.query(
      `INSERT INTO accounts (id, domain, account_id, name, website)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT DO NOTHING`,
      [randomUUID(), e.domain, e.accountId, e.name, e.website],
    );
    // Inserted here, or by a concurrent enhancement of the same domain a moment ago.
    const created = await lock();
    if (!created) throw new Error(`account ${e.domain} could not be created`);
    return created;
  }
}
