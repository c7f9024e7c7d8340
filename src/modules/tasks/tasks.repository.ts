import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { TaskEntity, TaskErrorInfo, TaskProgress, TaskStatus } from './task.entity';

export interface TaskListFilter {
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
  from: Date;
  to: Date;
  retryableOnly: boolean;
  type?: string;
  limit: number;
}

/** The only place that reads and writes the tasks table. */
@Injectable()
export class TasksRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

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

  findByIdempotencyKey(key: string): Promise<TaskEntity | null> {
    return this.repo().findOneBy({ idempotencyKey: key });
  }

  findLatestSucceededInScope(type: string, scopeKey: string): Promise<TaskEntity | null> {
    return this.repo()
      .createQueryBuilder('t')
      .where('t.type = :type AND t.scope_key = :scopeKey AND t.status = :status', {
        type,
        scopeKey,
        status: 'succeeded',
      })
      .orderBy('t.finished_at', 'DESC')
      .limit(1)
      .getOne();
  }

  list(f: TaskListFilter): Promise<TaskEntity[]> {
    const qb = this.repo().createQueryBuilder('t');
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
    if (f.retryableOnly) qb.andWhere(`(t.error->>'retryable')::boolean IS TRUE`);
    if (f.type) qb.andWhere('t.type = :type', { type: f.type });
    return qb.orderBy('t.created_at', 'DESC').limit(f.limit).getMany();
  }

  /**
   * Claims a task for an attempt: queued/running → running, attempts + 1. Returns null when the
   * task is gone or already final (a duplicate delivery of a finished job).
   */
  async claim(id: string): Promise<TaskEntity | null> {
    const rows: TaskEntity[] = await this.repo()
      .createQueryBuilder()
      .update()
      .set({
        status: 'running',
        attempts: () => 'attempts + 1',
        startedAt: () => 'COALESCE(started_at, now())',
        nextAttemptAt: null,
      })
      .where(`id = :id AND status IN ('queued','running') AND cancel_requested_at IS NULL`, { id })
      .returning('*')
      .execute()
      .then((r) => r.raw);
    return rows.length
      ? this.repo().create(this.fromRaw(rows[0] as unknown as Record<string, unknown>))
      : null;
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

  async isCancelRequested(id: string): Promise<boolean> {
    const rows = await this.ds.query(`SELECT cancel_requested_at FROM tasks WHERE id = $1`, [id]);
    return rows.length > 0 && rows[0].cancel_requested_at != null;
  }

  /** Ends an attempt; only a task still running (or queued, for cancels) moves. */
  async finish(
    id: string,
    status: Extract<TaskStatus, 'succeeded' | 'failed' | 'cancelled'>,
    patch: { result?: unknown; error?: TaskErrorInfo | null; progress?: TaskProgress },
    em?: EntityManager,
    from: TaskStatus[] = ['queued', 'running'],
  ): Promise<TaskEntity | null> {
    const set: Record<string, unknown> = { status, finishedAt: () => 'now()' };
    if (patch.result !== undefined) set.result = patch.result ?? null;
    if (patch.error !== undefined) set.error = patch.error;
    if (patch.progress) set.progress = patch.progress;
    const r = await this.repo(em)
      .createQueryBuilder()
      .update()
      .set(set)
      .where(`id = :id AND status IN (:...from)`, { id, from })
      .returning('*')
      .execute();
    const rows = r.raw as Record<string, unknown>[];
    return rows.length ? this.repo(em).create(this.fromRaw(rows[0])) : null;
  }

  /** A retryable failure with attempts left: back to queued, error kept for the record. */
  async markRetrying(id: string, error: TaskErrorInfo, nextAttemptAt: Date): Promise<void> {
    await this.repo().update({ id, status: 'running' }, { status: 'queued', error, nextAttemptAt });
  }

  /** Graceful shutdown hands a running task back to the queue without using an attempt. */
  async handBack(id: string): Promise<void> {
    await this.ds.query(
      `UPDATE tasks SET status = 'queued', attempts = GREATEST(attempts - 1, 0), updated_at = now()
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
              next_attempt_at = NULL, finished_at = NULL, updated_at = now()
        WHERE id = $1 AND status IN ('failed','cancelled') RETURNING *`,
      [id, roundAttempts],
    );
    const list = rows[0] as Record<string, unknown>[];
    return list.length ? this.repo().create(this.fromRaw(list[0])) : null;
  }

  // ---- sweeps -------------------------------------------------------------------------------

  /** Failed, retryable, attempts left, backoff elapsed → queued. Returns the tasks moved. */
  async requeueRetryableFailed(limit: number): Promise<TaskEntity[]> {
    const rows = await this.ds.query(
      `UPDATE tasks SET status = 'queued', finished_at = NULL, updated_at = now()
        WHERE id IN (
          SELECT id FROM tasks
           WHERE status = 'failed' AND (error->>'retryable')::boolean IS TRUE
             AND attempts < max_attempts
             AND (next_attempt_at IS NULL OR next_attempt_at <= now())
           ORDER BY updated_at LIMIT $1 FOR UPDATE SKIP LOCKED)
        RETURNING *`,
      [limit],
    );
    return (rows[0] as Record<string, unknown>[]).map((r) => this.repo().create(this.fromRaw(r)));
  }

  /** Queued for longer than `olderThanMs`: candidates whose job may be missing from Redis. */
  async findStaleQueued(olderThanMs: number, limit: number): Promise<TaskEntity[]> {
    return this.repo()
      .createQueryBuilder('t')
      .where(`t.status = 'queued' AND t.cancel_requested_at IS NULL`)
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
