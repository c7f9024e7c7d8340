/**
 * Queries on the harness's trigger log (chaos_task_events, see instrumentation.ts): which tasks
 * were running, queued or on a process at a moment, and when each ran again after it.
 */
import type { Pool } from 'pg';

/** Tasks whose attempt ran in `victim` and were still running when it was killed at `at`. */
export async function onVictim(db: Pool, at: Date, victim: string): Promise<string[]> {
  const { rows } = await db.query<{ task_id: string }>(
    `WITH st AS (
       SELECT DISTINCT ON (task_id) task_id, status FROM chaos_task_events
        WHERE at <= $1 ORDER BY task_id, at DESC, id DESC
     ), claim AS (
       SELECT DISTINCT ON (task_id) task_id, app FROM chaos_task_events
        WHERE at <= $1 AND op = 'U' AND attempts > old_attempts ORDER BY task_id, at DESC, id DESC
     )
     SELECT st.task_id FROM st JOIN claim USING (task_id) WHERE st.status = 'running' AND claim.app = $2`,
    [at, victim],
  );
  return rows.map((r) => r.task_id);
}

/** Tasks queued and due at `at` (a scheduled retry is not due yet). */
export async function queuedAt(db: Pool, at: Date): Promise<string[]> {
  const { rows } = await db.query<{ task_id: string }>(
    `SELECT task_id FROM (
       SELECT DISTINCT ON (task_id) task_id, status, next_attempt_at FROM chaos_task_events
        WHERE at <= $1 ORDER BY task_id, at DESC, id DESC) st
      WHERE status = 'queued' AND (next_attempt_at IS NULL OR next_attempt_at <= $1)`,
    [at],
  );
  return rows.map((r) => r.task_id);
}

export async function runningAt(db: Pool, at: Date): Promise<string[]> {
  const { rows } = await db.query<{ task_id: string }>(
    `SELECT task_id FROM (
       SELECT DISTINCT ON (task_id) task_id, status FROM chaos_task_events
        WHERE at <= $1 ORDER BY task_id, at DESC, id DESC) st
      WHERE status = 'running'`,
    [at],
  );
  return rows.map((r) => r.task_id);
}

/**
 * "Runs again": an attempt starts (attempts +1), a stage checkpoint is written, or the task ends
 * for good (succeeded, cancelled, or failed with nothing after it). Writes by `exclude` (a killed
 * process) do not count, except a final status.
 */
const RUNS = `(
  ((e.attempts > e.old_attempts OR e.ckpt IS NOT NULL) AND ($3::text IS NULL OR e.app IS DISTINCT FROM $3))
  OR (e.status IN ('succeeded','cancelled') AND e.old_status IS DISTINCT FROM e.status)
  OR (e.status = 'failed' AND e.old_status IS DISTINCT FROM 'failed'
      AND NOT EXISTS (SELECT 1 FROM chaos_task_events l WHERE l.task_id = e.task_id AND l.id > e.id))
)`;

async function firstRuns(
  db: Pool,
  ids: string[],
  after: Date,
  exclude: string | null,
): Promise<Map<string, number>> {
  if (!ids.length) return new Map();
  const { rows } = await db.query<{ task_id: string; at: Date }>(
    `SELECT e.task_id, min(e.at) AS at FROM chaos_task_events e
      WHERE e.task_id = ANY($1::uuid[]) AND e.at > $2 AND ${RUNS} GROUP BY e.task_id`,
    [ids, after, exclude],
  );
  return new Map(rows.map((r) => [r.task_id, r.at.getTime()]));
}

export async function firstProgress(
  db: Pool,
  after: Date,
  exclude: string | null,
): Promise<number | null> {
  const { rows } = await db.query<{ at: Date | null }>(
    `SELECT min(e.at) AS at FROM chaos_task_events e
      WHERE e.at > $2 AND ${RUNS} AND $1::int = 1`,
    [1, after, exclude],
  );
  return rows[0]?.at ? rows[0].at.getTime() : null;
}

export async function taskRecovery(
  db: Pool,
  ids: string[],
  end: number,
  exclude: string | null,
): Promise<{ worst: number | null; unrecovered: string[] }> {
  const runs = await firstRuns(db, ids, new Date(end), exclude);
  let worst: number | null = null;
  const unrecovered: string[] = [];
  for (const id of ids) {
    const at = runs.get(id);
    if (at === undefined) unrecovered.push(id);
    else worst = Math.max(worst ?? 0, at - end);
  }
  return { worst, unrecovered };
}
