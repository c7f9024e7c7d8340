import { jsonbText } from '../../common/jsonb-text';
import { TaskErrorInfo, TaskProgress, TaskStatus } from './task.entity';

export type FinalStatus = Extract<TaskStatus, 'succeeded' | 'failed' | 'cancelled'>;
export type FinishPatch = {
  result?: unknown;
  error?: TaskErrorInfo | null;
  progress?: TaskProgress;
};
export type FinishColumn = 'result' | 'error' | 'progress';
export type FinishCall = { id: string; patch: FinishPatch };

/** The jsonb columns finish() sets besides status and finished_at, in statement order. */
export function finishColumns(patch: FinishPatch): FinishColumn[] {
  const out: FinishColumn[] = [];
  if (patch.result !== undefined) out.push('result');
  if (patch.error !== undefined) out.push('error');
  if (patch.progress) out.push('progress');
  return out;
}

/** A jsonb parameter as TypeORM wrote it: JSON text, or SQL NULL. */
function finishValue(patch: FinishPatch, col: FinishColumn): string | null {
  const v = col === 'result' ? (patch.result ?? null) : patch[col];
  return v === null || v === undefined ? null : jsonbText(v);
}

/** The statement TypeORM's query builder generated for finish() of one task, written out. */
export function finishOneStatement(
  id: string,
  status: FinalStatus,
  patch: FinishPatch,
  from: TaskStatus[],
): [sql: string, params: unknown[]] {
  const params: unknown[] = [status];
  const set = ['"status" = $1', '"finished_at" = now()'];
  for (const col of finishColumns(patch)) {
    set.push(`"${col}" = $${params.push(finishValue(patch, col))}`);
  }
  set.push('"updated_at" = CURRENT_TIMESTAMP');
  const idParam = params.push(id);
  const fromParams = from.map((s) => `$${params.push(s)}`).join(', ');
  return [
    `UPDATE "tasks" SET ${set.join(', ')} WHERE "id" = $${idParam} AND "status" IN (${fromParams}) RETURNING *`,
    params,
  ];
}

/** finishOneStatement() for many tasks of one shape: each row gets its own values. */
export function finishManyStatement(
  calls: FinishCall[],
  status: FinalStatus,
  columns: FinishColumn[],
  from: TaskStatus[],
): [sql: string, params: unknown[]] {
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
  return [
    `UPDATE "tasks" AS t SET ${set.join(', ')}
         FROM unnest(${arrays.join(', ')}) AS v(id${columns.map((c) => `, ${c}`).join('')})
        WHERE t."id" = v.id AND t."status" IN (${fromParams}) RETURNING t.*`,
    params,
  ];
}
