import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { ResponseConfig } from '../run/response-types';

/**
 * A stored custom column (issue 12): its question, response type and AI settings, and the columns
 * its question cites (`depends_on`, acyclic). One per (tenant, column id); `tenant_id` '' = none.
 */
@Entity('column_definitions')
export class ColumnDefinitionEntity {
  @PrimaryColumn('varchar', { name: 'tenant_id', length: 100 }) tenantId: string;
  @PrimaryColumn('varchar', { name: 'column_id', length: 255 }) columnId: string;
  @Column('text', { nullable: true }) name: string | null;
  @Column('text', { nullable: true }) description: string | null;
  @Column('varchar', { name: 'entity_type', length: 10, nullable: true }) entityType:
    'account' | 'lead' | null;
  @Column('text') question: string;
  @Column('varchar', { name: 'response_type', length: 20 }) responseType: string;
  @Column('jsonb', { name: 'response_config' }) responseConfig: ResponseConfig;
  @Column('jsonb', { default: () => "'[]'" }) examples: unknown[];
  @Column('jsonb', { name: 'validation_rules', default: () => "'[]'" }) validationRules: unknown[];
  @Column('jsonb', { name: 'ai_config' }) aiConfig: Record<string, unknown>;
  @Column('jsonb', { name: 'depends_on', default: () => "'[]'" }) dependsOn: string[];
  /** `api` (POST /api/v1/columns) or `seed` (a custom_column payload's column_config). */
  @Column('varchar', { length: 10 }) source: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}
