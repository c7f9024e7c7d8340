import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, IsNull } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { AppConfig } from '../../common/config/app.config';
import { TaskEntity, TaskErrorInfo, TaskProgress, TaskStatus } from './task.entity';

export interface TaskListFilter {
  /** Only this tenant's tasks (tenant-bound callers). */
  tenant?: string;
  type?: string;
  status?: TaskStatus[];
  accountId?: string;
  leadId?: string;
  batchId?: string;
  createdFrom?: Date;
  createdTo?: Date;
  /** Cursor: tasks strictly older than (createdAt, id). */
  before?: { createdAt: Date; id: string };
  limit: number;
}

export interface FailedFilter {
  tenant?: string;
  from: Date;
  to: Date;
  retryableOnly: boolean;
  type?: string;
  limit: number;
}

/** The only place that reads and writes the tasks table. */
@Injectable()
export class TasksRepository {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly config: AppConfig,
  ) {}

  // The worker's per-task statements (claim, cancel check, final UPDATE) are coalesced: calls made
  // while one of the same kind is in flight go out together as one statement (see Coalescer).
  private readonly claims = new Coalescer<{ id: string }, TaskEntity | null>(
    ({ id }) => this.claimOne(id),
    (args) => this.claimMany(args.map((a) => a.id)),
  );
  private readonly cancelChecks = new Coalescer<{ id: string }, boolean>(
    ({ id }) => this.isCancelRequestedOne(id),
    (args) => this.isCancelRequestedMany(args.map((a) => a.id)),
  );
  /** One per statement shape of finish(): final status, columns set, `from`. */
  private readonly finishes = new Map<string, Coalescer<FinishCall, TaskEntity | null>>();

  private repo(em?: EntityManager) {
    return (em ?? this.ds.manager).getRepository(TaskEntity);
  }

  transaction<T>(fn: (em: EntityManager) => Promise<T>): Promise<T> {
    return this.ds.transaction(fn);
  }

  /** Inserts; returns false when the idempotency key is already taken (concurrent duplicate). */
  async insert(task: Partial<TaskEntity>, em?: EntityManager): Promise<boolean> {
    const res = await this.repo(em)
      .createQueryBuilder()
      .insert()
      .values(task as QueryDeepPartialEntity<TaskEntity>)
      .orIgnore()
      .returning(['id'])
      .execute();
    return (res.raw as unknown[]).length > 0;
  }

  async insertMany(tasks: Partial<TaskEntity>[], em: EntityManager): Promise<void> {
    for (let i = 0; i < tasks.length; i += 500) {
      await this.repo(em)
        .createQueryBuilder()
        .insert()
        .values(tasks.slice(i, i + 500) as QueryDeepPartialEntity<TaskEntity>[])
        .execute();
    }
  }

  findById(id: string): Promise<TaskEntity | null> {
    return this.repo().findOneBy({ id });
  }

  /** Idempotency keys are unique per tenant (null: tasks of no tenant). */
  findByIdempotencyKey(key: string, tenant: string | null): Promise<TaskEntity | null> {
    return this.repo().findOneBy({ idempotencyKey: key, tenantId: tenant ?? IsNull() });
  }

  /** The newest task carrying the client's job id (within the tenant, when one is given). */
  findLatestByExternalId(externalId: string, tenant: string | null): Promise<TaskEntity | null> {
    const qb = this.repo()
      .createQueryBuilder('t')
      .where('t.external_id = :externalId', { externalId });
    if (tenant !== null) qb.andWhere('t.tenant_id = :tenant', { tenant });
    return qb.orderBy('t.created_at', 'DESC').addOrderBy('t.id', 'DESC').limit(1).getOne();
  }

  /** The newest successful task of the scope that finished within `maxAgeHours`. */
  findLatestSucceededInScope(
    type: string,
    scopeKey: string,
    maxAgeHours: number,
  ): Promise<TaskEntity | null> {
    return this.repo()
      .createQueryBuilder('t')
      .where('t.type = :type AND t.scope_key = :scopeKey AND t.status = :status', {
        type,
        scopeKey,
        status: 'succeeded',
      })
      .andWhere('t.finished_at > now() - make_interval(hours => :h)', { h: maxAgeHours })
      .orderBy('t.finished_at', 'DESC')
      .limit(1)
      .getOne();
  }

  list(f: TaskListFilter): Promise<TaskEntity[]> {
    const qb = this.repo().createQueryBuilder('t');
    if (f.tenant) qb.andWhere('t.tenant_id = :tenant', { tenant: f.tenant });
    if (f.type) qb.andWhere('t.type = :type', { type: f.type });
    if (f.status?.length) qb.andWhere('t.status IN (:...status)', { status: f.status });
    if (f.accountId) qb.andWhere('t.account_id = :accountId', { accountId: f.accountId });
    if (f.leadId) qb.andWhere('t.lead_id = :leadId', { leadId: f.leadId });
    if (f.batchId) qb.andWhere('t.batch_id = :batchId', { batchId: f.batchId });
    if (f.createdFrom) qb.andWhere('t.created_at >= :from', { from: f.createdFrom });
    if (f.createdTo) qb.andWhere('t.created_at <= :to', { to: f.createdTo });
    if (f.before) {
      qb.andWhere('(t.created_at, t.id) < (:bc, :bid)', {
        bc: f.before.createdAt,
        bid: f.before.id,
      });
    }
    return qb.orderBy('t.created_at', 'DESC').addOrderBy('t.id', 'DESC').limit(f.limit).getMany();
  }

  listFailed(f: FailedFilter): Promise<TaskEntity[]> {
    const qb = this.repo()
      .createQueryBuilder('t')
      .where(`t.status = 'failed'`)
      .andWhere('t.created_at BETWEEN :from AND :to', { from: f.from, to: f.to });
    if (f.tenant) qb.andWhere('t.tenant_id = :tenant', { tenant: f.tenant });
    if (f.retryableOnly) qb.andWhere(`(t.error->>'retryable')::boolean IS TRUE`);
    if (f.type) qb.andWhere('t.type = :type', { type: f.type });
    return qb.orderBy('t.created_at', 'DESC').limit(f.limit).getMany();
  }

  /**
   * Claims a task for an attempt: queued/running → running, attempts + 1. Returns null when the
   * task is gone or already final (a duplicate delivery of a finished job).
   */
  claim(id: string): Promise<TaskEntity | null> {
    return this.claims.submit({ id });
  }

  // The statement TypeORM's query builder generated for claim(), written out (it was rebuilt on
  // every call), and the same for many ids.
  // A running task is taken over only once its lease has lapsed (its worker is gone); the claim
  // sets the first lease, which the worker's LeaseKeeper then renews.
  private static readonly CLAIM_SET = `"status" = $1, "attempts" = "attempts" + 1, "started_at" = COALESCE("started_at", now()), "next_attempt_at" = $2, "lease_until" = now() + make_interval(secs => $4), "updated_at" = CURRENT_TIMESTAMP`;
  private static readonly CLAIM_WHERE = `"status" IN ('queued','running') AND "cancel_requested_at" IS NULL AND ("status" = 'queued' OR "lease_until" IS NULL OR "lease_until" < now())`;

  private get leaseSeconds(): number {
    return this.config.TASK_LEASE_MS / 1000;
  }

  private async claimOne(id: string): Promise<TaskEntity | null> {
    const [rows] = (await this.ds.query(
      `UPDATE "tasks" SET ${TasksRepository.CLAIM_SET} WHERE "id" = $3 AND ${TasksRepository.CLAIM_WHERE} RETURNING *`,
      ['running', null, id, this.leaseSeconds],
    )) as [Record<string, unknown>[], number];
    return rows.length ? this.repo().create(this.fromRaw(rows[0])) : null;
  }

  private async claimMany(ids: string[]): Promise<Map<string, TaskEntity | null>> {
    const [rows] = (await this.ds.query(
      `UPDATE "tasks" SET ${TasksRepository.CLAIM_SET} WHERE "id" = ANY($3::uuid[]) AND ${TasksRepository.CLAIM_WHERE} RETURNING *`,
      ['running', null, ids, this.leaseSeconds],
    )) as [Record<string, unknown>[], number];
    return this.byId(ids, rows);
  }

  /**
   * When a claim found nothing: the end of the lease of a task another worker still holds, or
   * null (the task ended, is cancelled, or is gone).
   */
  async heldUntil(id: string): Promise<Date | null> {
    const rows: Array<{ lease_until: Date }> = await this.ds.query(
      `SELECT lease_until FROM tasks
        WHERE id = $1 AND status = 'running' AND cancel_requested_at IS NULL AND lease_until >= now()`,
      [id],
    );
    return rows[0]?.lease_until ?? null;
  }

  /** Entities by canonical id; null for an id without a row. */
  private byId(ids: string[], rows: Record<string, unknown>[]): Map<string, TaskEntity | null> {
    const out = new Map<string, TaskEntity | null>(ids.map((id) => [uuidKey(id), null]));
    for (const row of rows)
      out.set(uuidKey(row.id as string), this.repo().create(this.fromRaw(row)));
    return out;
  }

  /** Writes progress; returns true when the attempt should stop (cancel requested, or task ended elsewhere). */
  async saveProgress(id: string, stage: string | null, progress: TaskProgress): Promise<boolean> {
    const r = await this.ds.query(
      `UPDATE tasks SET stage = $2, progress = $3, updated_at = now()
        WHERE id = $1 AND status = 'running' RETURNING cancel_requested_at`,
      [id, stage, JSON.stringify(progress)],
    );
    const rows = r[0] as Array<{ cancel_requested_at: Date | null }>;
    return rows.length === 0 || rows[0].cancel_requested_at != null;
  }

  async saveCheckpoint(id: string, stage: string, output: unknown): Promise<void> {
    await this.ds.query(
      `UPDATE tasks SET checkpoints = checkpoints || jsonb_build_object($2::text,
         jsonb_build_object('output', $3::jsonb, 'completed_at', now())), updated_at = now()
        WHERE id = $1`,
      [id, stage, JSON.stringify(output ?? null)],
    );
  }

  isCancelRequested(id: string): Promise<boolean> {
    return this.cancelChecks.submit({ id });
  }

  private async isCancelRequestedOne(id: string): Promise<boolean> {
    const rows = await this.ds.query(`SELECT cancel_requested_at FROM tasks WHERE id = $1`, [id]);
    return rows.length > 0 && rows[0].cancel_requested_at != null;
  }

  private async isCancelRequestedMany(ids: string[]): Promise<Map<string, boolean>> {
    const rows: Array<{ id: string; cancel_requested_at: Date | null }> = await this.ds.query(
      `SELECT id, cancel_requested_at FROM tasks WHERE id = ANY($1::uuid[])`,
      [ids],
    );
    const out = new Map<string, boolean>(ids.map((id) => [uuidKey(id), false]));
    for (const r of rows) out.set(uuidKey(r.id), r.cancel_requested_at != null);
    return out;
  }

  /** Ends an attempt; only a task still running (or queued, for cancels) moves. */
  finish(
    id: string,
    status: FinalStatus,
    patch: FinishPatch,
    em?: EntityManager,
    from: TaskStatus[] = ['queued', 'running'],
  ): Promise<TaskEntity | null> {
    // Inside a caller's transaction the statement must run on its connection: never coalesced.
    if (em) return this.finishOne(id, status, patch, em, from);
    const columns = finishColumns(patch);
    const shape = JSON.stringify([status, columns, from]);
    let coalescer = this.finishes.get(shape);
    if (!coalescer) {
      coalescer = new Coalescer<FinishCall, TaskEntity | null>(
        (c) => this.finishOne(c.id, status, c.patch, undefined, from),
        (calls) => this.finishMany(calls, status, columns, from),
      );
      this.finishes.set(shape, coalescer);
    }
    return coalescer.submit({ id, patch });
  }

  /** The statement TypeORM's query builder generated for finish(), written out. */
  private async finishOne(
    id: string,
    status: FinalStatus,
    patch: FinishPatch,
    em: EntityManager | undefined,
    from: TaskStatus[],
  ): Promise<TaskEntity | null> {
    const params: unknown[] = [status];
    const set = ['"status" = $1', '"finished_at" = now()'];
    for (const col of finishColumns(patch)) {
      set.push(`"${col}" = $${params.push(finishValue(patch, col))}`);
    }
    set.push('"updated_at" = CURRENT_TIMESTAMP');
    const idParam = params.push(id);
    const fromParams = from.map((s) => `$${params.push(s)}`).join(', ');
    const [rows] = (await (em ?? this.ds.manager).query(
      `UPDATE "tasks" SET ${set.join(', ')} WHERE "id" = $${idParam} AND "status" IN (${fromParams}) RETURNING *`,
      params,
    )) as [Record<string, unknown>[], number];
    return rows.length ? this.repo(em).create(this.fromRaw(rows[0])) : null;
  }

  /** finishOne() for many tasks of one shape: each row gets its own values. */
  private async finishMany(
    calls: FinishCall[],
    status: FinalStatus,
    columns: FinishColumn[],
    from: TaskStatus[],
  ): Promise<Map<string, TaskEntity | null>> {
    const ids = calls.map((c) => c.id);
    const params: unknown[] = [status, ids];
    const set = ['"status" = $1', '"finished_at" = now()'];
    const arrays = ['$2::uuid[]'];
    for (const col of columns) {
      arrays.push(`$${params.push(calls.map((c) => finishValue(c.patch, col)))}::jsonb[]`);
      set.push(`"${col}" = v.${col}`);
    }
    set.push('"updated_at" = CURRENT_TIMESTAMP');
    const fromParams = from.map((s) => `$${params.push(s)}`).join(', ');
    const [rows] = (await this.ds.query(
      `UPDATE "tasks" AS t SET ${set.join(', ')}
         FROM unnest(${arrays.join(', ')}) AS v(id${columns.map((c) => `, ${c}`).join('')})
        WHERE t."id" = v.id AND t."status" IN (${fromParams}) RETURNING t.*`,
      params,
    )) as [Record<string, unknown>[], number];
    return this.byId(ids, rows);
  }

  /** A retryable failure with attempts left: back to queued, error kept for the record. */
  async markRetrying(id: string, error: TaskErrorInfo, nextAttemptAt: Date): Promise<void> {
    await this.repo().update({ id, status: 'running' }, { status: 'queued', error, nextAttemptAt });
  }

  /** Graceful shutdown hands a running task back to the queue without using an attempt. */
  async handBack(id: string): Promise<void> {
    await this.ds.query(
      `UPDATE tasks SET status = 'queued', attempts = GREATEST(attempts - 1, 0), lease_until = NULL,
              updated_at = now()
        WHERE id = $1 AND status = 'running'`,
      [id],
    );
  }

  async requestCancel(id: string): Promise<void> {
    await this.ds.query(
      `UPDATE tasks SET cancel_requested_at = COALESCE(cancel_requested_at, now()), updated_at = now()
        WHERE id = $1 AND status IN ('queued','running')`,
      [id],
    );
  }

  /**
   * failed/cancelled → queued for a fresh round of `roundAttempts` attempts. Attempt numbers keep
   * counting across rounds. Returns null if the task is not in those states.
   */
  async resetForRetry(id: string, roundAttempts: number): Promise<TaskEntity | null> {
    const rows = await this.ds.query(
      `UPDATE tasks SET status = 'queued', max_attempts = attempts + $2, cancel_requested_at = NULL,
              next_attempt_at = NULL, finished_at = NULL, retry_round = retry_round + 1,
              updated_at = now()
        WHERE id = $1 AND status IN ('failed','cancelled') RETURNING *`,
      [id, roundAttempts],
    );
    const list = rows[0] as Record<string, unknown>[];
    return list.length ? this.repo().create(this.fromRaw(list[0])) : null;
  }

  // ---- sweeps -------------------------------------------------------------------------------

  /**
   * Failed, retryable, attempts left, backoff elapsed → queued. Returns the tasks moved. Only
   * `types` (those this build can enqueue) move: a row of an unknown type must not block the rest.
   */
  async requeueRetryableFailed(limit: number, types: string[]): Promise<TaskEntity[]> {
    const rows = await this.ds.query(
      `UPDATE tasks SET status = 'queued', finished_at = NULL, updated_at = now()
        WHERE id IN (
          SELECT id FROM tasks
           WHERE status = 'failed' AND (error->>'retryable')::boolean IS TRUE
             AND attempts < max_attempts
             AND (next_attempt_at IS NULL OR next_attempt_at <= now())
             AND type = ANY($2::text[])
           ORDER BY updated_at LIMIT $1 FOR UPDATE SKIP LOCKED)
        RETURNING *`,
      [limit, types],
    );
    return (rows[0] as Record<string, unknown>[]).map((r) => this.repo().create(this.fromRaw(r)));
  }

  /** Queued for longer than `olderThanMs`, of one of `types`: their job may be missing from Redis. */
  async findStaleQueued(
    olderThanMs: number,
    limit: number,
    types: string[],
  ): Promise<TaskEntity[]> {
    return this.repo()
      .createQueryBuilder('t')
      .where(`t.status = 'queued' AND t.cancel_requested_at IS NULL`)
      .andWhere('t.type = ANY(:types)', { types })
      .andWhere(`t.updated_at < now() - make_interval(secs => :s)`, { s: olderThanMs / 1000 })
      .andWhere('(t.next_attempt_at IS NULL OR t.next_attempt_at <= now())')
      .orderBy('t.updated_at', 'ASC')
      .limit(limit)
      .getMany();
  }

  /** Running past timeout (+ grace): failed with a retryable STALLED error. */
  async failStuckRunning(graceMs: number, limit: number): Promise<TaskEntity[]> {
    const rows = await this.ds.query(
      `UPDATE tasks SET status = 'failed', finished_at = now(), updated_at = now(),
              next_attempt_at = now(),
              error = jsonb_build_object('code','STALLED','message',
                'task was still running past its timeout; its worker is presumed gone',
                'retryable', true, 'stage', stage, 'at', now())
        WHERE id IN (
          SELECT id FROM tasks WHERE status = 'running'
             AND updated_at < now() - make_interval(secs => (timeout_ms + $1)::float / 1000)
           LIMIT $2 FOR UPDATE SKIP LOCKED)
        RETURNING *`,
      [graceMs, limit],
    );
    return (rows[0] as Record<string, unknown>[]).map((r) => this.repo().create(this.fromRaw(r)));
  }

  async setNextAttempt(id: string, at: Date): Promise<void> {
    await this.repo().update({ id }, { nextAttemptAt: at });
  }

  async deleteFinishedBefore(cutoff: Date, limit: number): Promise<number> {
    const rows = await this.ds.query(
      `DELETE FROM tasks WHERE id IN (
         SELECT id FROM tasks WHERE status IN ('succeeded','failed','cancelled')
            AND finished_at < $1 LIMIT $2)`,
      [cutoff, limit],
    );
    return Number(rows[1] ?? 0);
  }

  /** Maps a raw RETURNING row (snake_case) onto entity property names. */
  private fromRaw(row: Record<string, unknown>): Partial<TaskEntity> {
    const meta = this.ds.getMetadata(TaskEntity);
    const out: Record<string, unknown> = {};
    for (const col of meta.columns) {
      if (col.databaseName in row) {
        const v = row[col.databaseName];
        out[col.propertyName] = col.propertyName === 'costUsd' ? Number(v ?? 0) : v;
      }
    }
    return out as Partial<TaskEntity>;
  }
}

type FinalStatus = Extract<TaskStatus, 'succeeded' | 'failed' | 'cancelled'>;
type FinishPatch = { result?: unknown; error?: TaskErrorInfo | null; progress?: TaskProgress };
type FinishColumn = 'result' | 'error' | 'progress';
type FinishCall = { id: string; patch: FinishPatch };

/** The jsonb columns finish() sets besides status and finished_at, in statement order. */
function finishColumns(patch: FinishPatch): FinishColumn[] {
  const out: FinishColumn[] = [];
  if (patch.result !== undefined) out.push('result');
  if (patch.error !== undefined) out.push('error');
  if (patch.progress) out.push('progress');
  return out;
}

/** A jsonb parameter as TypeORM wrote it: JSON text, or SQL NULL. */
function finishValue(patch: FinishPatch, col: FinishColumn): string | null {
  const v = col === 'result' ? (patch.result ?? null) : patch[col];
  return v === null || v === undefined ? null : JSON.stringify(v);
}

/** The hex digits of a uuid: equal for every spelling Postgres accepts of the same uuid. */
const uuidKey = (id: string) => id.toLowerCase().replace(/[^0-9a-f]/g, '');

/**
 * Group commit for one kind of per-task statement. A call made while fewer than `parallel` are
 * in flight goes out at once, as before; calls made meanwhile wait and then go out together as one
 * statement (`many`), so under load a worker sends one claim / cancel check / final UPDATE per
 * batch instead of per task (each statement is still sent after every call it answers was made).
 * A batch never holds the same id twice and lists its ids sorted, so concurrent batches lock rows
 * in the same order; if its statement fails (one bad row fails it), each call runs on its own
 * (`one`), so every caller gets what it would have got alone.
 */
class Coalescer<A extends { id: string }, R> {
  private queue: Array<{
    arg: A;
    key: string;
    resolve: (r: R) => void;
    reject: (e: unknown) => void;
  }> = [];
  private inFlight = 0;

  constructor(
    private readonly one: (arg: A) => Promise<R>,
    private readonly many: (args: A[]) => Promise<Map<string, R>>,
    private readonly parallel = 2,
    private readonly max = 500,
  ) {}

  submit(arg: A): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ arg, key: uuidKey(arg.id), resolve, reject });
      this.flush();
    });
  }

  private flush(): void {
    while (this.inFlight < this.parallel && this.queue.length) {
      const ids = new Set<string>();
      const batch: typeof this.queue = [];
      const rest: typeof this.queue = [];
      for (const item of this.queue) {
        if (batch.length < this.max && !ids.has(item.key)) {
          ids.add(item.key);
          batch.push(item);
        } else rest.push(item);
      }
      this.queue = rest;
      this.inFlight++;
      void this.run(batch).finally(() => {
        this.inFlight--;
        this.flush();
      });
    }
  }

  private async run(batch: typeof this.queue): Promise<void> {
    const alone = (item: (typeof batch)[number]) =>
      this.one(item.arg).then(item.resolve, item.reject);
    if (batch.length === 1) return alone(batch[0]);
    batch.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    let results: Map<string, R>;
    try {
      results = await this.many(batch.map((item) => item.arg));
    } catch {
      await Promise.all(batch.map(alone));
      return;
    }
    for (const item of batch) item.resolve(results.get(item.key)!);
  }
}
