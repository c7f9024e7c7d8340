import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { PreparedStatements } from '../../database/prepared-statements';
import { CacheEntry, cacheUpsertSql } from './provider-cache.repository';

export interface LedgerEntry {
  taskId: string | null;
  stage: string | null;
  provider: string;
  capability: string;
  operation: string;
  fingerprint: string;
  outcome: string;
  cached: boolean;
  latencyMs: number;
  attempts: number;
  costUsd: number;
  model?: string | null;
  errorMessage?: string | null;
}

export interface SpendRow {
  provider: string;
  calls: number;
  paid_calls: number;
  cache_hits: number;
  cost_usd: number;
}

/** A call's worst-case reservation on its task, replaced by what it cost. */
export interface Settlement {
  taskId: string;
  reservedUsd: number;
  actualUsd: number;
}

/** Binds values to `params`: each call appends one and returns its placeholder ($n). */
const binder =
  (params: unknown[]) =>
  (value: unknown): string =>
    `$${params.push(value)}`;

/** The UPDATE that settles a reservation; `p` binds a value (binder). */
function settleSql(s: Settlement, p: (value: unknown) => string): string {
  return `UPDATE tasks SET cost_reserved_usd = GREATEST(cost_reserved_usd - ${p(s.reservedUsd)}::numeric, 0),
              cost_usd = cost_usd + ${p(s.actualUsd)}::numeric, updated_at = now()
        WHERE id = ${p(s.taskId)}::uuid`;
}

/** The call ledger and the task budget columns: every paid call is written here once. */
@Injectable()
export class ProviderLedgerRepository {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly prepared: PreparedStatements,
  ) {}

  async record(e: LedgerEntry): Promise<void> {
    await this.recordAnswered([], null, e);
  }

  /**
   * After a call that reached the vendor: its answer cached (`cache`), the task's reservation
   * settled to the real cost (`settle`) and the call recorded, in one statement — one commit,
   * where three statements side by side each waited for a WAL flush of their own. All or none:
   * a worker killed before it ends pays for the answer again, as it would without a cache.
   */
  async recordAnswered(
    cache: CacheEntry[],
    settle: Settlement | null,
    e: LedgerEntry,
  ): Promise<void> {
    const params: unknown[] = [];
    const p = binder(params);
    const ctes = cache.map((c, i) => `cache_${i} AS (${cacheUpsertSql(c, p)})`);
    if (settle) ctes.push(`settle AS (${settleSql(settle, p)})`);
    const insert = `INSERT INTO provider_calls (task_id, stage, provider, capability, operation, fingerprint, outcome, cached,
         latency_ms, attempts, cost_usd, model, error_message)
       VALUES (${p(e.taskId)}::uuid, ${p(e.stage)}, ${p(e.provider)}, ${p(e.capability)}, ${p(e.operation)},
               ${p(e.fingerprint)}, ${p(e.outcome)}, ${p(e.cached)}, ${p(Math.round(e.latencyMs))}, ${p(e.attempts)},
               ${p(e.costUsd)}, ${p(e.model ?? null)}, ${p(e.errorMessage?.slice(0, 2000) ?? null)})`;
    // After every vendor call and cache hit: prepared (one text per shape: entries, settlement).
    await this.prepared.query(ctes.length ? `WITH ${ctes.join(',\n')}\n${insert}` : insert, params);
  }

  /**
   * Reserves the worst-case cost of a call against the task's budget (and its batch's, when the
   * batch carries one). False when the reservation would pass the cap: the call must not be made.
   *
   * Reservations against one batch budget are serialised by a transaction-scoped advisory lock on
   * the batch: without it, concurrent tasks of the batch each sum the others' spend from a
   * snapshot taken before those reservations committed, and the batch overspends.
   */
  async reserve(taskId: string, maxUsd: number): Promise<boolean> {
    // No batch budget (the usual case): one statement; the row lock orders the task's own calls.
    const fast = await this.prepared.query(
      `UPDATE tasks SET cost_reserved_usd = cost_reserved_usd + $2
        WHERE id = $1 AND batch_budget_usd IS NULL
          AND (budget_usd IS NULL OR cost_usd + cost_reserved_usd + $2 <= budget_usd)
        RETURNING id`,
      [taskId, maxUsd],
    );
    if (fast.rowCount > 0) return true;
    return this.ds.transaction(async (em) => {
      await em.query(
        `SELECT pg_advisory_xact_lock(hashtextextended('assay-batch-budget:' || batch_id::text, 0))
           FROM tasks WHERE id = $1 AND batch_budget_usd IS NOT NULL AND batch_id IS NOT NULL`,
        [taskId],
      );
      // A new statement, so (READ COMMITTED) it sees every reservation committed before the lock.
      const rows = await em.query(
        `UPDATE tasks t SET cost_reserved_usd = cost_reserved_usd + $2
          WHERE id = $1 AND (budget_usd IS NULL OR cost_usd + cost_reserved_usd + $2 <= budget_usd)
            AND (batch_budget_usd IS NULL OR batch_budget_usd >= $2 + (
                  SELECT COALESCE(sum(b.cost_usd + b.cost_reserved_usd), 0) FROM tasks b WHERE b.batch_id = t.batch_id))
          RETURNING id`,
        [taskId, maxUsd],
      );
      return (rows[0] as unknown[]).length > 0;
    });
  }

  /** Releases a reservation and adds the actual cost to the task. */
  async settle(taskId: string, reservedUsd: number, actualUsd: number): Promise<void> {
    const params: unknown[] = [];
    await this.prepared.query(
      settleSql({ taskId, reservedUsd, actualUsd }, binder(params)),
      params,
    );
  }

  async taskBudget(
    taskId: string,
  ): Promise<{ budgetUsd: number | null; costUsd: number; batchBudgetUsd: number | null } | null> {
    const rows = await this.ds.query(
      `SELECT budget_usd, cost_usd, batch_budget_usd FROM tasks WHERE id = $1`,
      [taskId],
    );
    if (!rows.length) return null;
    const n = (v: unknown) => (v == null ? null : Number(v));
    return {
      budgetUsd: n(rows[0].budget_usd),
      costUsd: Number(rows[0].cost_usd),
      batchBudgetUsd: n(rows[0].batch_budget_usd),
    };
  }

  /**
   * Spend per provider since a date (for GET /api/v1/providers); with a tenant, only the calls
   * of that tenant's tasks.
   */
  async spendSince(since: Date, tenant?: string): Promise<SpendRow[]> {
    const select = `SELECT c.provider, count(*)::int AS calls, count(*) FILTER (WHERE NOT c.cached)::int AS paid_calls,
              count(*) FILTER (WHERE c.cached)::int AS cache_hits, COALESCE(sum(c.cost_usd), 0)::float AS cost_usd
         FROM provider_calls c`;
    const rows =
      tenant === undefined
        ? await this.ds.query(`${select} WHERE c.created_at >= $1 GROUP BY c.provider`, [since])
        : await this.ds.query(
            `${select} JOIN tasks t ON t.id = c.task_id
              WHERE c.created_at >= $1 AND t.tenant_id = $2 GROUP BY c.provider`,
            [since, tenant],
          );
    return rows as SpendRow[];
  }

  async forTask(taskId: string): Promise<Array<Record<string, unknown>>> {
    return this.ds.query(
      `SELECT id, stage, provider, capability, operation, outcome, cached, latency_ms, attempts, cost_usd::float AS cost_usd,
              model, error_message, created_at
         FROM provider_calls WHERE task_id = $1 ORDER BY id`,
      [taskId],
    );
  }
}
