import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import type { AccountEnhancementProcessedData, MergedProfile } from './extraction';

/** One `processed_data` field that differs from the previous version. */
export interface FieldChange {
  field: string;
  before: unknown;
  after: unknown;
}

/** What one enhancement found: written for every run, so history and "what changed" are answerable. */
@Entity('account_snapshots')
export class AccountSnapshotEntity {
  @PrimaryColumn('uuid') id: string;
  @Column('uuid', { name: 'account_uuid' }) accountUuid: string;
  /** 1, 2, … per account. */
  @Column('int') version: number;
  @Column('uuid', { name: 'task_id', nullable: true }) taskId: string | null;
  @Column('jsonb') profile: MergedProfile;
  @Column('jsonb', { name: 'processed_data' }) processedData: AccountEnhancementProcessedData;
  /** Fields of processed_data that differ from the previous version (all non-empty ones for v1). */
  @Column('jsonb', { name: 'changed_fields' }) changedFields: FieldChange[];
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
}
