import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

/**
 * Who asked for an account and under which id: (tenant, caller's account_id) → account. The
 * company profile itself comes from public sources and is shared; which tenant enriched which
 * company, under which id, is that tenant's own. Tenant '' is an operator's (no tenant).
 */
@Entity('account_refs')
export class AccountRefEntity {
  @PrimaryColumn('uuid') id: string;
  @Column('varchar', { name: 'tenant_id', length: 100, default: '' }) tenantId: string;
  @Column('varchar', { name: 'account_id', length: 255, nullable: true }) accountId: string | null;
  @Column('uuid', { name: 'account_uuid' }) accountUuid: string;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}
