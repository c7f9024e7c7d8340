import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { Sourced } from '../../../providers/core/provenance';
import type { PersonProfile } from '../../../providers/person/person.types';

/** Where one field of a lead came from (the value itself is in `person`). */
export type FieldProvenance = Omit<Sourced<unknown>, 'value' | 'detail'>;

/**
 * One person at an account, per tenant ('' = no tenant): the merged person and, per top-level
 * field of it, its provenance. Found again by the vendor's id, the LinkedIn URL, or the
 * normalised name at the same account.
 */
@Entity('leads')
export class LeadEntity {
  @PrimaryColumn('uuid') id: string;
  @Column('varchar', { name: 'tenant_id', length: 100, default: '' }) tenantId: string;
  @Column('varchar', { name: 'account_id', length: 255 }) accountId: string;
  @Column('varchar', { name: 'account_domain', length: 255, nullable: true })
  accountDomain: string | null;
  @Column('varchar', { length: 40, nullable: true }) vendor: string | null;
  @Column('varchar', { name: 'vendor_id', length: 255, nullable: true }) vendorId: string | null;
  @Column('text', { name: 'linkedin_url', nullable: true }) linkedinUrl: string | null;
  @Column('text', { name: 'name_key' }) nameKey: string;
  @Column('text', { nullable: true }) name: string | null;
  @Column('text', { nullable: true }) title: string | null;
  @Column('varchar', { length: 40, nullable: true }) seniority: string | null;
  @Column('jsonb') person: PersonProfile;
  @Column('jsonb') provenance: Record<string, FieldProvenance>;
  @Column('uuid', { name: 'last_task_id', nullable: true }) lastTaskId: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}
