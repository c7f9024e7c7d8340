import { DataSource, EntityManager } from 'typeorm';
import { TaskEntity } from './task.entity';

/** The hex digits of a uuid: equal for every spelling Postgres accepts of the same uuid. */
export const uuidKey = (id: string) => id.toLowerCase().replace(/[^0-9a-f]/g, '');

/** A raw RETURNING row (snake_case) as a TaskEntity, through the repository of `em` (or the default). */
export function taskFromRow(
  ds: DataSource,
  row: Record<string, unknown>,
  em?: EntityManager,
): TaskEntity {
  return (em ?? ds.manager).getRepository(TaskEntity).create(fromRaw(ds, row));
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

/** Maps a raw RETURNING row (snake_case) onto entity property names. */
function fromRaw(ds: DataSource, row: Record<string, unknown>): Partial<TaskEntity> {
  const meta = ds.getMetadata(TaskEntity);
  const out: Record<string, unknown> = {};
  for (const col of meta.columns) {
    if (col.databaseName in row) {
      const v = row[col.databaseName];
      out[col.propertyName] = col.propertyName === 'costUsd' ? Number(v ?? 0) : v;
    }
  }
  return out as Partial<TaskEntity>;
}
