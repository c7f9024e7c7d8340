import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, IsNull } from 'typeorm';
import { AppConfig } from '../../common/config/app.config';
import { jsonbText } from '../../common/jsonb-text';
import { Coalescer } from './task-coalescer';
import {
  FinalStatus,
  FinishCall,
  FinishColumn,
  FinishPatch,
  finishColumns,
  finishManyStatement,
  finishOneStatement,
} from './task-finish.sql';
import { FailedFilter, listFailedTasks, listTasks, TaskListFilter } from './task-list.queries';
import { insertTasksStatement, taskFromRow, tasksById } from './task-rows';
import * as sweeps from './task-sweeps.queries';
import { TaskEntity, TaskErrorInfo, TaskProgress, TaskStatus } from './task.entity';

export type { FailedFilter, TaskListFilter } from './task-list.queries';

/** The only place that reads and writes the tasks table. */
@Injectable()
export class TasksRepository {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly config: AppConfig,
  ) {}

  // The worker's per-task statements (claim, final UPDATE) are coalesced: calls made
  // while one of the same kind is in flight go out together as one statement (see Coalescer).
  private readonly claims = new Coalescer<{ id: string }, TaskEntity | null>(
    ({ id }) => this.claimOne(id),
    (args) => this.claimMany(args.map((a) => a.id)),
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
    return (await this.insertOne(task, '"id"', em)) !== undefined;
  }

  /**
   * Inserts a task and returns it as stored, in one statement (INSERT … RETURNING *): null when
   * the insert was ignored (its idempotency key is taken). A create is then one round trip.
   */
  async insertReturning(task: Partial<TaskEntity>): Promise<TaskEntity | null> {
    const row = await this.insertOne(task, '*');
    return row ? taskFromRow(this.ds, row) : null;
  }

  /** INSERT … ON CONFLICT DO NOTHING RETURNING `returning`: the row, or undefined when ignored. */
  private async insertOne(
    task: Partial<TaskEntity>,
    returning: string,
    em?: EntityManager,
  ): Promise<Record<string, unknown> | undefined> {
    const [sql, params] = insertTasksStatement(this.ds, [task], {
      ignoreConflicts: true,
      returning,
    });
    const [row] = (await (em ?? this.ds.manager).query(sql, params)) as Record<string, unknown>[];
    return row;
  }

  async insertMany(tasks: Partial<TaskEntity>[], em: EntityManager): Promise<void> {
    for (let i = 0; i < tasks.length; i += 500) {
      const [sql, params] = insertTasksStatement(this.ds, tasks.slice(i, i + 500), {
        ignoreConflicts: false,
      });
      await em.query(sql, params);
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
    return listTasks(this.repo(), f);
  }

  listFailed(f: FailedFilter): Promise<TaskEntity[]> {
    return listFailedTasks(this.repo(), f);
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
    return rows.length ? taskFromRow(this.ds, rows[0]) : null;
  }

  private async claimMany(ids: string[]): Promise<Map<string, TaskEntity | null>> {
    const [rows] = (await this.ds.query(
      `UPDATE "tasks" SET ${TasksRepository.CLAIM_SET} WHERE "id" = ANY($3::uuid[]) AND ${TasksRepository.CLAIM_WHERE} RETURNING *`,
      ['running', null, ids, this.leaseSeconds],
    )) as [Record<string, unknown>[], number];
    return tasksById(this.ds, ids, rows);
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
      [id, stage, jsonbText(output ?? null)],
    );
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
    const [sql, params] = finishOneStatement(id, status, patch, from);
    const [rows] = (await (em ?? this.ds.manager).query(sql, params)) as [
      Record<string, unknown>[],
      number,
    ];
    return rows.length ? taskFromRow(this.ds, rows[0]) : null;
  }

  /** finishOne() for many tasks of one shape: each row gets its own values. */
  private async finishMany(
    calls: FinishCall[],
    status: FinalStatus,
    columns: FinishColumn[],
    from: TaskStatus[],
  ): Promise<Map<string, TaskEntity | null>> {
    const ids = calls.map((c) => c.id);
    const [sql, params] = finishManyStatement(calls, status, columns, from);
    const [rows] = (await this.ds.query(sql, params)) as [Record<string, unknown>[], number];
    return tasksById(this.ds, ids, rows);
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
    return list.length ? taskFromRow(this.ds, list[0]) : null;
  }

  // ---- sweeps -------------------------------------------------------------------------------

  /**
   * Failed, retryable, attempts left, backoff elapsed → queued. Returns the tasks moved. Only
   * `types` (those this build can enqueue) move: a row of an unknown type must not block the rest.
   */
  requeueRetryableFailed(limit: number, types: string[]): Promise<TaskEntity[]> {
    return sweeps.requeueRetryableFailed(this.ds, limit, types);
  }

  /** Queued for longer than `olderThanMs`, of one of `types`: their job may be missing from Redis. */
  findStaleQueued(olderThanMs: number, limit: number, types: string[]): Promise<TaskEntity[]> {
    return sweeps.findStaleQueued(this.ds, olderThanMs, limit, types);
  }

  /** Running past timeout (+ grace): failed with a retryable STALLED error. */
  failStuckRunning(graceMs: number, limit: number): Promise<TaskEntity[]> {
    return sweeps.failStuckRunning(this.ds, graceMs, limit);
  }

  async setNextAttempt(id: string, at: Date): Promise<void> {
    await this.repo().update({ id }, { nextAttemptAt: at });
  }

  deleteFinishedBefore(cutoff: Date, limit: number): Promise<number> {
    return sweeps.deleteFinishedBefore(this.ds, cutoff, limit);
  }
}
