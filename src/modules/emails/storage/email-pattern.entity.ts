import { Column, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/**
 * What is known of one address pattern of a domain, per tenant: its confidence (0–1), where it
 * came from (`hunter`, `inferred`, `feedback`), and the deliveries and bounces reported for the
 * addresses made with it. The domain's pattern is its most confident row.
 */
@Entity('email_domain_patterns')
export class EmailPatternEntity {
  @PrimaryColumn('varchar', { name: 'tenant_id', length: 100 }) tenantId: string;
  @PrimaryColumn('varchar', { length: 255 }) domain: string;
  @PrimaryColumn('varchar', { length: 40 }) pattern: string;
  @Column('real') confidence: number;
  @Column('varchar', { length: 40 }) source: string;
  @Column('integer', { default: 0 }) confirmations: number;
  @Column('integer', { default: 0 }) bounces: number;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}
