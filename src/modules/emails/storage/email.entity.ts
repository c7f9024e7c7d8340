import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { EmailProvenance } from '../finding/email-candidate';

/**
 * One address found for a person (or a stored lead) at a domain, per tenant ('' = no tenant):
 * how it was found, its latest verification and the keep decision, and whether it is still used
 * (a bounce reported by feedback makes it inactive). Unique per (tenant, person key, email).
 */
@Entity('emails')
export class EmailEntity {
  @PrimaryColumn('uuid') id: string;
  @Column('varchar', { name: 'tenant_id', length: 100, default: '' }) tenantId: string;
  /** `lead:<uuid>` for a stored lead, `name:<first last>@<domain>`, or `generic:<domain>`. */
  @Column('text', { name: 'person_key' }) personKey: string;
  @Column('uuid', { name: 'lead_uuid', nullable: true }) leadUuid: string | null;
  @Column('varchar', { length: 320 }) email: string;
  @Column('varchar', { length: 255 }) domain: string;
  @Column('text', { name: 'first_name', nullable: true }) firstName: string | null;
  @Column('text', { name: 'last_name', nullable: true }) lastName: string | null;
  @Column('text', { nullable: true }) position: string | null;
  @Column('varchar', { length: 10 }) type: 'primary' | 'secondary';
  @Column('boolean', { default: false }) generic: boolean;
  @Column('varchar', { length: 255 }) source: string;
  @Column('varchar', { length: 10 }) method: string;
  @Column('varchar', { length: 40, nullable: true }) pattern: string | null;
  @Column('real') confidence: number;
  @Column('varchar', { length: 20 }) status: string;
  @Column('jsonb', { default: [] }) reasons: string[];
  @Column('real') score: number;
  @Column('timestamptz', { name: 'verified_at', nullable: true }) verifiedAt: Date | null;
  @Column('boolean', { default: true }) active: boolean;
  @Column('jsonb') provenance: EmailProvenance;
  @Column('uuid', { name: 'last_task_id', nullable: true }) lastTaskId: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}
