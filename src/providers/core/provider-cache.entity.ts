import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { ProviderResult } from './enrichment-provider';

const numeric = { to: (v: number) => v, from: (v: string | null) => (v == null ? 0 : Number(v)) };

/**
 * Response cache: key = sha256(provider, operation, normalised input). Never holds secrets: the
 * input a key is made of carries no credentials (adapters get keys from their settings).
 */
@Entity({ name: 'provider_cache' })
export class ProviderCacheEntity {
  @PrimaryColumn('varchar', { length: 64 }) key: string;
  @Column('varchar', { length: 64 }) provider: string;
  @Column('varchar', { length: 100 }) operation: string;
  @Column('jsonb') response: ProviderResult;
  @Column('numeric', {
    name: 'cost_usd',
    precision: 14,
    scale: 6,
    default: 0,
    transformer: numeric,
  })
  costUsd: number;
  @Column('uuid', { name: 'task_id', nullable: true }) taskId: string | null;
  @Column('timestamptz', { name: 'created_at', default: () => 'now()' }) createdAt: Date;
  @Column('timestamptz', { name: 'expires_at' }) expiresAt: Date;
}
