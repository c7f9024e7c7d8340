import { DataSource } from 'typeorm';
import { taskFromRow } from './task-rows';
import { TaskEntity } from './task.entity';

// The statements of the sweeps (src/modules/sweeps); TasksRepository delegates to them.

/** See TasksRepository.requeueRetryableFailed(). */
export async function requeueRetryableFailed(
  ds: DataSource,
  limit: number,
  types: string[],
): Promise<TaskEntity[]> {
  const rows = await ds.query(
    `UPDATE tasks SET status = 'queued', finished_at = NULL, updated_at = now()
        WHERE id IN (
          SELECT id FROM tasks
           WHERE status = 'failed' AND finished_at IS NOT NULL AND error IS NOT NULL
             AND (error->>'retryable')::boolean IS TRUE
             AND attempts < max_attempts
             AND (next_attempt_at IS NULL OR next_attempt_at <= now())
             AND type = ANY($2::text[])
           ORDER BY updated_at LIMIT $1 FOR UPDATE SKIP LOCKED)
        RETURNING *`,
    [limit, types],
  );
  return (rows[0] as Record<string, unknown>[]).map((r) => taskFromRow(ds, r));
}

/** See TasksRepository.findStaleQueued(). */
export function findStaleQueued(
  ds: DataSource,
  olderThanMs: number,
  limit: number,
  types: string[],
): Promise<TaskEntity[]> {
  return ds.manager
    .getRepository(TaskEntity)
    .createQueryBuilder('t')
    .where(`t.status = 'queued' AND t.finished_at IS NULL AND t.cancel_requested_at IS NULL`)
    .andWhere('t.type = ANY(:types)', { types })
    .andWhere(`t.updated_at < now() - make_interval(secs => :s)`, { s: olderThanMs / 1000 })
    .andWhere('(t.next_attempt_at IS NULL OR t.next_attempt_at <= now())')
    .orderBy('t.updated_at', 'ASC')
    .limit(limit)
    .getMany();
}

/** See TasksRepository.failStuckRunning(). */
export async function failStuckRunning(
  ds: DataSource,
  graceMs: number,
  limit: number,
): Promise<TaskEntity[]> {
  const rows = await ds.query(
    `UPDATE tasks SET status = 'failed', finished_at = now(), updated_at = now(),
              next_attempt_at = now(),
              error = jsonb_build_object('code','STALLED','message',
                'task was still running past its timeout; its worker is presumed gone',
                'retryable', true, 'stage', stage, 'at', now())
        WHERE id IN (
          SELECT id FROM tasks WHERE status = 'running' AND finished_at IS NULL
             AND updated_at < now() - make_interval(secs => (timeout_ms + $1)::float / 1000)
           LIMIT $2 FOR UPDATE SKIP LOCKED)
        RETURNING *`,
    [graceMs, limit],
  );
  return (rows[0] as Record<string, unknown>[]).map((r) => taskFromRow(ds, r));
}

/**
 * See TasksRepository.deleteFinishedBefore(). `created_at < cutoff` follows from `finished_at <
 * cutoff` and lets the created_at index find them (no index names status or finished_at alone).
 */
export async function deleteFinishedBefore(
  ds: DataSource,
  cutoff: Date,
  limit: number,
): Promise<number> {
  const rows = await ds.query(
    `DELETE FROM tasks WHERE id IN (
         SELECT id FROM tasks WHERE status IN ('succeeded','failed','cancelled')
            AND finished_at < $1 AND created_at < $1 LIMIT $2)`,
    [cutoff, limit],
  );
  return Number(rows[1] ?? 0);
}
