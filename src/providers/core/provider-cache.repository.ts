import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { jsonbText } from '../../common/jsonb-text';
import { PreparedStatements } from '../../database/prepared-statements';
import type { ProviderResult } from './enrichment-provider';

export interface CacheHit {
  response: ProviderResult;
  costUsd: number;
  taskId: string | null;
  createdAt: Date;
}

/** One answer to store: under `key` (a request fingerprint, or a task's own key) for `ttlSeconds`. */
export interface CacheEntry {
  key: string;
  provider: string;
  operation: string;
  response: ProviderResult;
  costUsd: number;
  taskId: string | null;
  ttlSeconds: number;
}

/**
 * The upsert of one cache entry, a CTE of the statement that also records the call
 * (ProviderLedgerRepository.recordAnswered); `p` binds a value and returns its placeholder.
 */
export function cacheUpsertSql(e: CacheEntry, p: (value: unknown) => string): string {
  return `INSERT INTO provider_cache (key, provider, operation, response, cost_usd, task_id, created_at, expires_at)
       VALUES (${p(e.key)}, ${p(e.provider)}, ${p(e.operation)}, ${p(jsonbText(e.response))}, ${p(e.costUsd)},
               ${p(e.taskId)}::uuid, now(), now() + make_interval(secs => ${p(e.ttlSeconds)}::float8))
       ON CONFLICT (key) DO UPDATE SET response = EXCLUDED.response, cost_usd = EXCLUDED.cost_usd,
         task_id = EXCLUDED.task_id, created_at = now(), expires_at = EXCLUDED.expires_at`;
}

@Injectable()
export class ProviderCacheRepository {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly prepared: PreparedStatements,
  ) {}

  /**
   * The first live entry of `lookups` (in their order), read in one statement. A lookup with
   * `onlyTaskId` (cache bypass, or a task's own entry) only takes an entry paid for by that task,
   * so a retried stage never buys the same lookup twice even when bypassing.
   */
  async first(
    lookups: Array<{ key: string; onlyTaskId: string | null }>,
  ): Promise<CacheHit | null> {
    if (!lookups.length) return null;
    const params: unknown[] = [];
    const match = lookups.map(({ key, onlyTaskId }) => {
      params.push(key, onlyTaskId);
      const k = params.length - 1;
      return `(key = $${k} AND ($${k + 1}::uuid IS NULL OR task_id = $${k + 1}::uuid))`;
    });
    // Before every vendor call: prepared (one text per number of lookups).
    const { rows } = await this.prepared.query<{
      key: string;
      response: ProviderResult;
      cost_usd: string;
      task_id: string | null;
      created_at: Date;
    }>(
      `SELECT key, response, cost_usd, task_id, created_at FROM provider_cache
          WHERE expires_at > now() AND (${match.join(' OR ')})`,
      params,
    );
    for (const { key } of lookups) {
      const r = rows.find((row) => row.key === key);
      if (r)
        return {
          response: r.response,
          costUsd: Number(r.cost_usd),
          taskId: r.task_id,
          createdAt: r.created_at,
        };
    }
    return null;
  }

  async deleteExpired(limit = 10000): Promise<number> {
    const r = await this.ds.query(
      `DELETE FROM provider_cache WHERE key IN (SELECT key FROM provider_cache WHERE expires_at <= now() LIMIT $1)`,
      [limit],
    );
    return Number(r[1] ?? 0);
  }
}
