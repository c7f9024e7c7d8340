import { Injectable, NotFoundException } from '@nestjs/common';
import type { Principal } from '../../common/auth/principal';
import { InvalidFieldsException } from '../../common/http/validation';
import { AccountEntity } from './account.entity';
import { AccountSnapshotEntity } from './account-snapshot.entity';
import { accountKey } from './account-key';
import { AccountsRepository } from './accounts.repository';
import type {
  AccountDto,
  AccountHistoryDto,
  AccountListDto,
  AccountSnapshotDto,
} from './dto/account-views.dto';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const iso = (d: Date | string | null) => (d ? new Date(d).toISOString() : null);

export function toAccountDto(
  a: AccountEntity,
  view: { accountIds: string[]; askedAs?: string; lastTaskVisible: boolean },
): AccountDto {
  return {
    id: a.id,
    domain: a.domain,
    // The id the caller knows the account by (several callers may know it by several ids).
    account_id: view.askedAs ?? view.accountIds[0] ?? null,
    account_ids: view.accountIds,
    name: a.name,
    website: a.website,
    version: a.version,
    processed_data: a.processedData as unknown as Record<string, unknown>,
    profile: a.profile as unknown as Record<string, unknown>,
    field_sources: a.fieldSources,
    last_task_id: view.lastTaskVisible ? a.lastTaskId : null,
    enhanced_at: iso(a.enhancedAt),
    created_at: iso(a.createdAt)!,
    updated_at: iso(a.updatedAt)!,
  };
}

function toSnapshotDto(s: AccountSnapshotEntity, taskVisible: boolean): AccountSnapshotDto {
  return {
    version: s.version,
    task_id: taskVisible ? s.taskId : null,
    changed_fields: s.changedFields,
    processed_data: s.processedData as unknown as Record<string, unknown>,
    profile: s.profile as unknown as Record<string, unknown>,
    created_at: iso(s.createdAt)!,
  };
}

interface Resolved {
  account: AccountEntity;
  /** The caller's account_id it was found by, if it was. */
  askedAs?: string;
}

/**
 * Reads of the accounts store for the API. A tenant-bound caller reads the accounts its tenant
 * enriched (by our id, its own account_ids, or their domain) and never learns another tenant's
 * ids or tasks; an operator reads every account.
 */
@Injectable()
export class AccountsService {
  constructor(private readonly repo: AccountsRepository) {}

  /** `id` is our uuid, the caller's account_id, or a website / domain (normalised). */
  async resolve(id: string, caller: Principal): Promise<Resolved | null> {
    const visible = async (a: AccountEntity | null) =>
      a && (await this.repo.visibleTo(a.id, caller.tenant)) ? a : null;
    if (UUID.test(id)) {
      const byId = await visible(await this.repo.findById(id));
      if (byId) return { account: byId };
    }
    const byCallerId = await this.repo.findByCallerId(id, caller.tenant);
    if (byCallerId) return { account: byCallerId, askedAs: id };
    let domain: string;
    try {
      domain = accountKey(id);
    } catch {
      return null;
    }
    const byDomain = await visible(await this.repo.findByDomain(domain));
    return byDomain ? { account: byDomain } : null;
  }

  async get(id: string, caller: Principal): Promise<AccountDto> {
    return this.view(await this.mustResolve(id, caller), caller);
  }

  async history(id: string, caller: Principal, limit = 20): Promise<AccountHistoryDto> {
    const r = await this.mustResolve(id, caller);
    const snapshots = await this.repo.history(r.account.id, limit);
    const tenants = await this.repo.taskTenants(
      snapshots.map((s) => s.taskId).filter((t): t is string => !!t),
    );
    const ids = await this.repo.callerIds(r.account.id, caller.tenant);
    return {
      id: r.account.id,
      account_id: r.askedAs ?? ids[0] ?? null,
      domain: r.account.domain,
      snapshots: snapshots.map((s) => toSnapshotDto(s, taskVisible(s.taskId, tenants, caller))),
    };
  }

  async list(
    q: { domain?: string; account_id?: string },
    caller: Principal,
  ): Promise<AccountListDto> {
    if (!q.domain && !q.account_id) {
      throw new InvalidFieldsException([
        { field: 'domain', message: 'give domain (a website or domain) or account_id' },
      ]);
    }
    let found: Resolved | null = null;
    if (q.domain) {
      let domain: string;
      try {
        domain = accountKey(q.domain);
      } catch (err) {
        throw new InvalidFieldsException([{ field: 'domain', message: (err as Error).message }]);
      }
      const a = await this.repo.findByDomain(domain);
      if (a && (await this.repo.visibleTo(a.id, caller.tenant))) found = { account: a };
      if (found && q.account_id) {
        const ids = await this.repo.callerIds(found.account.id, caller.tenant);
        found = ids.includes(q.account_id) ? { ...found, askedAs: q.account_id } : null;
      }
    } else {
      const a = await this.repo.findByCallerId(q.account_id!, caller.tenant);
      if (a) found = { account: a, askedAs: q.account_id };
    }
    return { items: found ? [await this.view(found, caller)] : [] };
  }

  private async view(r: Resolved, caller: Principal): Promise<AccountDto> {
    const ids = await this.repo.callerIds(r.account.id, caller.tenant);
    const last = r.account.lastTaskId;
    const tenants = await this.repo.taskTenants(last ? [last] : []);
    return toAccountDto(r.account, {
      accountIds: ids,
      askedAs: r.askedAs,
      lastTaskVisible: taskVisible(last, tenants, caller),
    });
  }

  private async mustResolve(id: string, caller: Principal): Promise<Resolved> {
    const r = await this.resolve(id, caller);
    if (!r) {
      throw new NotFoundException({
        detail: `No account "${id}" (looked up as our id, your account_id and a domain)`,
      });
    }
    return r;
  }
}

/** A task id is shown to operators, and to the tenant that ran the task. */
function taskVisible(
  taskId: string | null,
  tenants: Map<string, string | null>,
  caller: Principal,
): boolean {
  if (!taskId) return false;
  return caller.tenant === null || tenants.get(taskId) === caller.tenant;
}
