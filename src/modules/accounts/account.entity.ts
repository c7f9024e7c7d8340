import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { AccountEnhancementProcessedData, MergedProfile } from './extraction';

/**
 * One company, keyed by the registrable domain of its website (see accountKey), with the
 * caller's `account_id` kept (unique where given) and the current merged profile: per field the
 * chosen value with its provenance and every candidate seen.
 */
@Entity('accounts')
export class AccountEntity {
  @PrimaryColumn('uuid') id: string;
  @Column('varchar', { length: 255 }) domain: string;
  @Column('varchar', { name: 'account_id', length: 255, nullable: true }) accountId: string | null;
  @Column('text', { nullable: true }) name: string | null;
  @Column('text') website: string;
  @Column('jsonb') profile: MergedProfile;
  @Column('jsonb', { name: 'processed_data' }) processedData: AccountEnhancementProcessedData;
  /** Per field, the sources of its values (provider ids or page URLs). */
  @Column('jsonb', { name: 'field_sources', default: () => `'{}'` })
  fieldSources: Record<string, string[]>;
  /** Latest snapshot version (1 after the first enhancement). */
  @Column('int', { default: 0 }) version: number;
  @Column('uuid', { name: 'last_task_id', nullable: true }) lastTaskId: string | null;
  @Column('timestamptz', { name: 'enhanced_at', nullable: true }) enhancedAt: Date | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}
