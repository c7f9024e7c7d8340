import { Injectable, NotFoundException } from '@nestjs/common';
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

export function toAccountDto(a: AccountEntity): AccountDto {
  return {
    id: a.id,
    domain: a.domain,
    account_id: a.accountId,
    name: a.name,
    website: a.website,
    version: a.version,
    processed_data: a.processedData as unknown as Record<string, unknown>,
    profile: a.profile as unknown as Record<string, unknown>,
    field_sources: a.fieldSources,
    last_task_id: a.lastTaskId,
    enhanced_at: iso(a.enhancedAt),
    created_at: iso(a.createdAt)!,
    updated_at: iso(a.updatedAt)!,
  };
}

function toSnapshotDto(s: AccountSnapshotEntity): AccountSnapshotDto {
  return {
    version: s.version,
    task_id: s.taskId,
    changed_fields: s.changedFields,
    processed_data: s.processedData as unknown as Record<string, unknown>,
    profile: s.profile as unknown as Record<string, unknown>,
    created_at: iso(s.createdAt)!,
  };
}

/** Reads of the accounts store for the API. */
@Injectable()
export class AccountsService {
  constructor(private readonly repo: AccountsRepository) {}

  /** `id` is our uuid, the caller's account_id, or a website / domain (normalised). */
  async resolve(id: string): Promise<AccountEntity | null> {
    if (UUID.test(id)) {
      const byId = await this.repo.findById(id);
      if (byId) return byId;
    }
    const byCallerId = await this.repo.findByAccountId(id);
    if (byCallerId) return byCallerId;
    let domain: string;
    try {
      domain = accountKey(id);
    } catch {
      return null;
    }
    return this.repo.findByDomain(domain);
  }

  async get(id: string): Promise<AccountDto> {
    return toAccountDto(await this.mustResolve(id));
  }

  async history(id: string, limit = 20): Promise<AccountHistoryDto> {
    const a = await this.mustResolve(id);
    const snapshots = await this.repo.history(a.id, limit);
    return {
      id: a.id,
      account_id: a.accountId,
      domain: a.domain,
      snapshots: snapshots.map(toSnapshotDto),
    };
  }

  async list(q: { domain?: string; account_id?: string }): Promise<AccountListDto> {
    if (!q.domain && !q.account_id) {
      throw new InvalidFieldsException([
        { field: 'domain', message: 'give domain (a website or domain) or account_id' },
      ]);
    }
    let found: AccountEntity | null;
    if (q.domain) {
      let domain: string;
      try {
        domain = accountKey(q.domain);
      } catch (err) {
        throw new InvalidFieldsException([{ field: 'domain', message: (err as Error).message }]);
      }
      found = await this.repo.findByDomain(domain);
      if (found && q.account_id && found.accountId !== q.account_id) found = null;
    } else {
      found = await this.repo.findByAccountId(q.account_id!);
    }
    return { items: found ? [toAccountDto(found)] : [] };
  }

  private async mustResolve(id: string): Promise<AccountEntity> {
    const a = await this.resolve(id);
    if (!a) {
      throw new NotFoundException({
        detail: `No account "${id}" (looked up as our id, your account_id and a domain)`,
      });
    }
    return a;
  }
}
