import { Repository } from 'typeorm';
import { TaskEntity, TaskStatus } from './task.entity';

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

/** A page of tasks, newest first (keyset paging on (created_at, id)). */
export function listTasks(repo: Repository<TaskEntity>, f: TaskListFilter): Promise<TaskEntity[]> {
  const qb = repo.createQueryBuilder('t');
  if (f.tenant) qb.andWhere('t.tenant_id = :tenant', { tenant: f.tenant });
  if (f.type) qb.andWhere('t.type = :type', { type: f.type });
  if (f.status?.length) {
    qb.andWhere('t.status IN (:...status)', { status: f.status });
    // What lets PostgreSQL use the partial indexes (no index names `status`; see the migration
    // TaskHeapOnlyUpdates): a queued or running task has no finished_at, a failed or cancelled
    // one has an error.
    if (f.status.every((s) => s === 'queued' || s === 'running')) {
      qb.andWhere('t.finished_at IS NULL');
    } else if (f.status.every((s) => s === 'failed' || s === 'cancelled')) {
      qb.andWhere('t.finished_at IS NOT NULL AND t.error IS NOT NULL');
    }
  }
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

/** Failed tasks created in [from, to], newest first. */
export function listFailedTasks(
  repo: Repository<TaskEntity>,
  f: FailedFilter,
): Promise<TaskEntity[]> {
  const qb = repo
    .createQueryBuilder('t')
    .where(`t.status = 'failed' AND t.finished_at IS NOT NULL AND t.error IS NOT NULL`)
    .andWhere('t.created_at BETWEEN :from AND :to', { from: f.from, to: f.to });
  if (f.tenant) qb.andWhere('t.tenant_id = :tenant', { tenant: f.tenant });
  if (f.retryableOnly) qb.andWhere(`(t.error->>'retryable')::boolean IS TRUE`);
  if (f.type) qb.andWhere('t.type = :type', { type: f.type });
  return qb.orderBy('t.created_at', 'DESC').limit(f.limit).getMany();
}
