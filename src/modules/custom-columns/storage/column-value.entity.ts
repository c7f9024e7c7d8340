import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/** Where a value came from (provenance on every value). */
export interface ValueProvenance {
  method: 'llm';
  provider: string | null;
  model: string | null;
  cost_usd: number;
  task_id: string | null;
  sources: string[];
  /** Served from a stored value of the same definition, context and model (no LLM call). */
  cached: boolean;
  /** The value it was served from, when cached. */
  cached_from?: { column_id: string; task_id: string | null; generated_at: string };
  repaired: boolean;
  llm_calls: number;
  retrieved_at: string;
}

/**
 * One column's value for one entity, per tenant (unique per tenant, column, entity): the value in
 * the field of its type, rationale, confidence, sources, status, provenance, and the cache key
 * (definition, entity context, model) a later run may reuse it by.
 */
@Entity('column_values')
export class ColumnValueEntity {
  @PrimaryColumn('uuid') id: string;
  @Column('varchar', { name: 'tenant_id', length: 100 }) tenantId: string;
  @Column('varchar', { name: 'column_id', length: 255 }) columnId: string;
  @Column('varchar', { name: 'entity_id', length: 255 }) entityId: string;
  @Column('varchar', { length: 10 }) status: 'completed' | 'error';
  @Column('text', { name: 'value_string', nullable: true }) valueString: string | null;
  @Column('double precision', { name: 'value_number', nullable: true }) valueNumber: number | null;
  @Column('boolean', { name: 'value_boolean', nullable: true }) valueBoolean: boolean | null;
  @Column('text', { name: 'value_enum', nullable: true }) valueEnum: string | null;
  @Column('jsonb', { name: 'value_json', nullable: true }) valueJson: unknown;
  @Column('text', { nullable: true }) rationale: string | null;
  @Column('real', { nullable: true }) confidence: number | null;
  @Column('jsonb', { default: () => "'[]'" }) sources: string[];
  @Column('jsonb', { name: 'error_details', nullable: true }) errorDetails: Record<
    string,
    unknown
  > | null;
  @Column('jsonb', { name: 'search_validation', nullable: true }) searchValidation: Record<
    string,
    unknown
  > | null;
  @Column('jsonb') provenance: ValueProvenance;
  @Column('varchar', { name: 'cache_key', length: 64 }) cacheKey: string;
  @Column('uuid', { name: 'task_id', nullable: true }) taskId: string | null;
  @Column('timestamptz', { name: 'generated_at' }) generatedAt: Date;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}
