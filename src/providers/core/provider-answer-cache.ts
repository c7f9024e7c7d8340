import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import type { ProviderResult } from './enrichment-provider';
import { CacheEntry, ProviderCacheRepository } from './provider-cache.repository';

/** Task cache entries live this long when a provider does not cache an operation (TTL 0). */
const TASK_SCOPED_TTL_SECONDS = 7 * 24 * 3600;

function taskKey(fp: string, taskId: string): string {
  return createHash('sha256').update(`${fp}\u0000task\u0000${taskId}`).digest('hex');
}

/**
 * The answers of the call path: shared entries (per request fingerprint, for the operation's TTL)
 * and task-scoped ones (a task's own paid answers, which its retries reuse whatever the TTL or a
 * refresh), on top of the provider cache table.
 */
@Injectable()
export class ProviderAnswerCache {
  constructor(private readonly cache: ProviderCacheRepository) {}

  async get(
    fp: string,
    ttl: number,
    taskId: string | null,
    bypass: boolean,
  ): Promise<ProviderResult | null> {
    // The shared entry first, then the task's own, in one statement.
    const lookups: Array<{ key: string; onlyTaskId: string | null }> = [];
    if (ttl > 0) {
      lookups.push({
        key: fp,
        onlyTaskId: bypass ? (taskId ?? '00000000-0000-0000-0000-000000000000') : null,
      });
    }
    if (taskId) lookups.push({ key: taskKey(fp, taskId), onlyTaskId: taskId });
    return (await this.cache.first(lookups))?.response ?? null;
  }

  /**
   * What to store of a paid answer: the shared entry when the operation is cached; a task-scoped
   * entry too when the shared one cannot be relied on for this task's retries: TTL 0, or a bypass
   * (another task bypassing the cache may overwrite the shared entry, and a bypassing retry only
   * accepts its own task's answer). Written by ProviderLedgerRepository.recordAnswered, in the
   * same statement as the call's ledger row.
   */
  entries(
    fp: string,
    provider: string,
    operation: string,
    result: ProviderResult,
    cost: number,
    taskId: string | null,
    ttl: number,
    bypass: boolean,
  ): CacheEntry[] {
    const base = { provider, operation, response: result, costUsd: cost, taskId };
    const out: CacheEntry[] = [];
    if (ttl > 0) out.push({ ...base, key: fp, ttlSeconds: ttl });
    if (taskId && (ttl <= 0 || bypass)) {
      out.push({ ...base, key: taskKey(fp, taskId), ttlSeconds: TASK_SCOPED_TTL_SECONDS });
    }
    return out;
  }
}
