import { Injectable, Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import type { ProviderResult } from './enrichment-provider';
import { ProviderCacheRepository } from './provider-cache.repository';

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
  private readonly logger = new Logger(ProviderAnswerCache.name);

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
   * Shared entry when the operation is cached; a task-scoped entry too when the shared one cannot
   * be relied on for this task's retries: TTL 0, or a bypass (another task bypassing the cache may
   * overwrite the shared entry, and a bypassing retry only accepts its own task's answer).
   */
  async put(
    fp: string,
    provider: string,
    operation: string,
    result: ProviderResult,
    cost: number,
    taskId: string | null,
    ttl: number,
    bypass: boolean,
  ): Promise<void> {
    try {
      await Promise.all([
        ttl > 0 ? this.cache.put(fp, provider, operation, result, cost, taskId, ttl) : undefined,
        taskId && (ttl <= 0 || bypass)
          ? this.cache.put(
              taskKey(fp, taskId),
              provider,
              operation,
              result,
              cost,
              taskId,
              TASK_SCOPED_TTL_SECONDS,
            )
          : undefined,
      ]);
    } catch (err) {
      // A cache write failure must not turn a paid, successful call into a failure.
      this.logger.warn(`could not cache a ${provider} answer: ${(err as Error).message}`);
    }
  }
}
