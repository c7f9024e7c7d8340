import { DataSource } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';
import { TaskEntity } from './task.entity';

/** The hex digits of a uuid: equal for every spelling Postgres accepts of the same uuid. */
export const uuidKey = (id: string) => id.toLowerCase().replace(/[^0-9a-f]/g, '');

/** A column of the tasks table as the raw statements read and write it. */
interface TaskColumn {
  property: string;
  name: string;
  /** jsonb: written as JSON text (node-postgres would write an array as a PostgreSQL array). */
  json: boolean;
  to?: (v: unknown) => unknown;
  from?: (v: unknown) => unknown;
}

const columnsBySource = new WeakMap<DataSource, TaskColumn[]>();

/**
 * The task columns, read once from the entity's metadata: the hot statements (create, claim,
 * finish) map rows themselves instead of going through the query builder and `repository.create`
 * on every call, which was a large share of the API's and the worker's CPU per task.
 */
function taskColumns(ds: DataSource): TaskColumn[] {
  let cols = columnsBySource.get(ds);
  if (!cols) {
    cols = ds.getMetadata(TaskEntity).columns.map((c: ColumnMetadata) => {
      const t = Array.isArray(c.transformer) ? undefined : c.transformer;
      return {
        property: c.propertyName,
        name: c.databaseName,
        json: c.type === 'jsonb' || c.type === 'json',
        to: t ? (v: unknown) => t.to(v) as unknown : undefined,
        from: t ? (v: unknown) => t.from(v) as unknown : undefined,
      };
    });
    columnsBySource.set(ds, cols);
  }
  return cols;
}

/** A raw row (snake_case, as RETURNING gives it) as a TaskEntity. */
export function taskFromRow(ds: DataSource, row: Record<string, unknown>): TaskEntity {
  const task = new TaskEntity() as unknown as Record<string, unknown>;
  for (const col of taskColumns(ds)) {
    if (col.name in row) {
      const v = row[col.name];
      task[col.property] = col.from ? col.from(v) : v;
    }
  }
  return task as unknown as TaskEntity;
}

/** Entities by canonical id; null for an id without a row. */
export function tasksById(
  ds: DataSource,
  ids: string[],
  rows: Record<string, unknown>[],
): Map<string, TaskEntity | null> {
  const out = new Map<string, TaskEntity | null>(ids.map((id) => [uuidKey(id), null]));
  for (const row of rows) out.set(uuidKey(row.id as string), taskFromRow(ds, row));
  return out;
}

/**
 * One INSERT of `tasks` (parameterised): the columns any of them sets, DEFAULT where a task leaves
 * one out (created_at, progress, …); `ignoreConflicts` skips a task whose idempotency key is taken.
 */
export function insertTasksStatement(
  ds: DataSource,
  tasks: Partial<TaskEntity>[],
  opts: { ignoreConflicts: boolean; returning?: string },
): [string, unknown[]] {
  const rows = tasks as Record<string, unknown>[];
  const cols = taskColumns(ds).filter((c) => rows.some((t) => t[c.property] !== undefined));
  const params: unknown[] = [];
  const values = rows.map((t) => {
    const cells = cols.map((c) => {
      let v = t[c.property];
      if (v === undefined) return 'DEFAULT';
      if (c.to) v = c.to(v);
      params.push(c.json && v !== null ? JSON.stringify(v) : v);
      return `$${params.length}`;
    });
    return `(${cells.join(', ')})`;
  });
  const sql =
    `INSERT INTO "tasks" (${cols.map((c) => `"${c.name}"`).join(', ')}) VALUES ${values.join(', ')}` +
    (opts.ignoreConflicts ? ' ON CONFLICT DO NOTHING' : '') +
    (opts.returning ? ` RETURNING ${opts.returning}` : '');
  return [sql, params];
}
