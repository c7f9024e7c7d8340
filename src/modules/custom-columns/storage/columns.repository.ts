import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource, In, MoreThan, MoreThanOrEqual } from 'typeorm';
import { ColumnDefinitionEntity } from './column-definition.entity';
import { ColumnValueEntity } from './column-value.entity';

/** The stored tenant of data without one. */
export const tenantKey = (tenantId: string | null | undefined): string => tenantId ?? '';

export type DefinitionToSave = Omit<ColumnDefinitionEntity, 'createdAt' | 'updatedAt'>;
export type ValueToSave = Omit<ColumnValueEntity, 'id' | 'createdAt' | 'updatedAt'>;

/** The only place that reads and writes `column_definitions` and `column_values`. */
@Injectable()
export class ColumnsRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  private get defs() {
    return this.ds.getRepository(ColumnDefinitionEntity);
  }

  private get values() {
    return this.ds.getRepository(ColumnValueEntity);
  }

  async saveDefinition(d: DefinitionToSave): Promise<ColumnDefinitionEntity> {
    // jsonb columns: TypeORM's deep-partial type does not follow free-form JSON.
    await this.defs.upsert(d as never, ['tenantId', 'columnId']);
    return (await this.defs.findOneBy({ tenantId: d.tenantId, columnId: d.columnId }))!;
  }

  /** A tenant's column; for an operator (tenant undefined), the newest column with that id. */
  findDefinition(
    tenantId: string | undefined,
    columnId: string,
  ): Promise<ColumnDefinitionEntity | null> {
    return this.defs.findOne({
      where: tenantId === undefined ? { columnId } : { tenantId, columnId },
      order: { updatedAt: 'DESC' },
    });
  }

  /** Every column of a tenant with the columns it cites (the dependency graph). */
  async graph(tenantId: string): Promise<Map<string, string[]>> {
    const rows = await this.defs.find({
      where: { tenantId },
      select: { columnId: true, dependsOn: true },
    });
    return new Map(rows.map((r) => [r.columnId, r.dependsOn ?? []]));
  }

  definitionsOf(tenantId: string, columnIds: string[]): Promise<ColumnDefinitionEntity[]> {
    if (!columnIds.length) return Promise.resolve([]);
    return this.defs.findBy({ tenantId, columnId: In(columnIds) });
  }

  /** Columns by id then tenant, after a (column id, tenant) cursor; undefined tenant = every tenant. */
  listDefinitions(
    tenantId: string | undefined,
    after: { columnId: string; tenantId: string } | undefined,
    limit: number,
  ): Promise<ColumnDefinitionEntity[]> {
    const mine = tenantId === undefined ? {} : { tenantId };
    return this.defs.find({
      where: after
        ? [
            { ...mine, columnId: MoreThan(after.columnId) },
            ...(tenantId === undefined
              ? [{ columnId: after.columnId, tenantId: MoreThan(after.tenantId) }]
              : []),
          ]
        : mine,
      order: { columnId: 'ASC', tenantId: 'ASC' },
      take: limit,
    });
  }

  /** The newest completed value with this cache key, generated since `since`. */
  findCached(tenantId: string, cacheKey: string, since: Date): Promise<ColumnValueEntity | null> {
    return this.values.findOne({
      where: { tenantId, cacheKey, status: 'completed', generatedAt: MoreThanOrEqual(since) },
      order: { generatedAt: 'DESC' },
    });
  }

  /** Stored values of one column for some entities, by entity id. */
  async storedValues(
    tenantId: string,
    columnId: string,
    entityIds: string[],
  ): Promise<Map<string, ColumnValueEntity>> {
    if (!entityIds.length) return new Map();
    const rows = await this.values.findBy({ tenantId, columnId, entityId: In(entityIds) });
    return new Map(rows.map((r) => [r.entityId, r]));
  }

  /** Upserts the value of (tenant, column, entity): one statement, the row keeps its id. */
  async saveValue(v: ValueToSave): Promise<void> {
    const row = { id: randomUUID(), ...v, updatedAt: new Date() };
    const meta = this.ds.getMetadata(ColumnValueEntity);
    const keep = new Set(['id', 'tenantId', 'columnId', 'entityId', 'createdAt']);
    const overwrite = meta.columns
      .filter((c) => !keep.has(c.propertyName))
      .map((c) => c.databaseName);
    await this.values
      .createQueryBuilder()
      .insert()
      // jsonb columns: TypeORM's deep-partial type does not follow free-form JSON.
      .values(row as never)
      .orUpdate(overwrite, ['tenant_id', 'column_id', 'entity_id'])
      .execute();
  }

  /** One column's values by entity id (cursor: the last entity id of the previous page). */
  listValues(
    tenantId: string,
    columnId: string,
    afterEntityId: string | undefined,
    limit: number,
    status?: 'completed' | 'error',
  ): Promise<ColumnValueEntity[]> {
    return this.values.find({
      where: {
        tenantId,
        columnId,
        ...(status ? { status } : {}),
        ...(afterEntityId ? { entityId: MoreThan(afterEntityId) } : {}),
      },
      order: { entityId: 'ASC' },
      take: limit,
    });
  }
}
