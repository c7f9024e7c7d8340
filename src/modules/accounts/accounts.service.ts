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

/**
 * What a caller sees of an account. A company profile read from public sources is shared by every
 * tenant that enriched the company; what one tenant gave or ran is its own. So a tenant-bound
 * caller sees the profile with other tenants' task ids removed from its provenance, and the name
 * and website the sources found rather than the ones the last caller typed.
 */
interface AccountView {
  accountIds: string[];
  askedAs?: string;
  /** Null for operators (they see everything); else whether a task id is the caller's tenant's. */
  ownTask: ((taskId: string) => boolean) | null;
}

export function toAccountDto(a: AccountEntity, view: AccountView): AccountDto {
  const own = view.ownTask;
  const processed = a.processedData as unknown as Record<string, unknown>;
  return {
    id: a.id,
    domain: a.domain,
    // The id the caller knows the account by (several callers may know it by several ids).
    account_id: view.askedAs ?? view.accountIds[0] ?? null,
    account_ids: view.accountIds,
    name: own ? ((processed.company_name as string | null) ?? null) : a.name,
    website: own ? ((processed.website as string | null) ?? a.domain) : a.website,
    version: a.version,
    processed_data: processed,
    profile: (own ? redactTaskIds(a.profile, own) : a.profile) as Record<string, unknown>,
    field_sources: a.fieldSources,
    last_task_id: a.lastTaskId && (!own || own(a.lastTaskId)) ? a.lastTaskId : null,
    enhanced_at: iso(a.enhancedAt),
    created_at: iso(a.createdAt)!,
    updated_at: iso(a.updatedAt)!,
  };
}

/** Every provenance `task_id` in a JSON value. */
function taskIdsIn(v: unknown, out: Set<string> = new Set()): Set<string> {
  if (Array.isArray(v)) for (const x of v) taskIdsIn(x, out);
  else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      if (k === 'task_id' && typeof x === 'string') out.add(x);
      else taskIdsIn(x, out);
    }
  }
  return out;
}

/** The value with each `task_id` the caller may not see replaced by null. */
function redactTaskIds(v: unknown, own: (taskId: string) => boolean): unknown {
  if (Array.isArray(v)) return v.map((x) => redactTaskIds(x, own));
  if (v && typeof v === 'object') {
    return Object.fromEntries(
      Object.entries(v).map(([k, x]) => [
        k,
        k === 'task_id' && typeof x === 'string' ? (own(x) ? x : null) : redactTaskIds(x, own),
      ]),
    );
  }
  return v;
}

function toSnapshotDto(
  s: AccountSnapshotEntity,
  own: ((taskId: string) => boolean) | null,
): AccountSnapshotDto {
  return {
    version: s.version,
    task_id: s.taskId && (!own || own(s.taskId)) ? s.taskId : null,
    changed_fields: s.changedFields,
    processed_data: s.processedData as unknown as Record<string, unknown>,
    profile: (own ? redactTaskIds(s.profile, own) : s.profile) as Record<string, unknown>,
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
    const own = await this.ownTasks(
      caller,
      snapshots.flatMap((s) => [...(s.taskId ? [s.taskId] : []), ...taskIdsIn(s.profile)]),
    );
    const ids = await this.repo.callerIds(r.account.id, caller.tenant);
    return {
      id: r.account.id,
      account_id: r.askedAs ?? ids[0] ?? null,
      domain: r.account.domain,
      snapshots: snapshots.map((s) => toSnapshotDto(s, own)),
    };
  }

  /**
   * For a tenant-bound caller, which of these task ids are its tenant's (the others are hidden);
   * null for an operator, who sees every one.
   */
  private async ownTasks(
    caller: Principal,
    taskIds: Iterable<string>,
  ): Promise<((taskId: string) => boolean) | null> {
    if (caller.tenant === null) return null;
    const tenants = await this.repo.taskTenants([...new Set(taskIds)]);
    return (taskId) => tenants.get(taskId) === caller.tenant;
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
    const own = await this.ownTasks(caller, [
      ...(last ? [last] : []),
      ...taskIdsIn(r.account.profile),
    ]);
    return toAccountDto(r.account, { accountIds: ids, askedAs: r.askedAs, ownTask: own });
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
