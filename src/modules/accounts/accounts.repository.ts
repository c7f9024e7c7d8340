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

  findByAccountId(accountId: string): Promise<AccountEntity | null> {
    return this.ds.getRepository(AccountEntity).findOneBy({ accountId });
  }

  findByDomain(domain: string): Promise<AccountEntity | null> {
    return this.ds.getRepository(AccountEntity).findOneBy({ domain });
  }

  /** Newest first. */
  history(accountUuid: string, limit: number): Promise<AccountSnapshotEntity[]> {
    return this.ds
      .getRepository(AccountSnapshotEntity)
      .find({ where: { accountUuid }, order: { version: 'DESC' }, take: limit });
  }

  /**
   * Stores one enhancement: the account (created, or found by the caller's account_id, then by
   * domain, and locked) gets the new profile and version n+1, and snapshot n+1 records it with
   * the fields that changed. One transaction.
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
          domain: e.domain,
          // The first caller id stays; an account without one takes the caller's.
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

  private async lockOrCreate(em: EntityManager, e: SaveEnhancement): Promise<AccountEntity> {
    const lock = (where: Partial<AccountEntity>) =>
      em
        .getRepository(AccountEntity)
        .createQueryBuilder('a')
        .setLock('pessimistic_write')
        .where(where)
        .getOne();
    if (e.accountId) {
      const byCallerId = await lock({ accountId: e.accountId });
      // The caller's id names the account; its website may have moved to another domain, unless
      // another account already holds that domain.
      if (byCallerId && (byCallerId.domain === e.domain || !(await lock({ domain: e.domain }))))
        return byCallerId;
    }
    const existing = await lock({ domain: e.domain });
    if (existing) return existing;
    await em.query(
      `INSERT INTO accounts (id, domain, account_id, name, website)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT DO NOTHING`,
      [randomUUID(), e.domain, e.accountId, e.name, e.website],
    );
    // Inserted here, or by a concurrent enhancement of the same domain a moment ago.
    const created = await lock({ domain: e.domain });
    if (!created) throw new Error(`account ${e.domain} could not be created`);
    return created;
  }
}
