import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

const numeric = { to: (v: number) => v, from: (v: string | null) => (v == null ? 0 : Number(v)) };

/** The ledger: one row per outside call (and per cache hit), so spend is a query. */
@Entity({ name: 'provider_calls' })
export class ProviderCallEntity {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' }) id: string;
  @Column('uuid', { name: 'task_id', nullable: true }) taskId: string | null;
  @Column('varchar', { length: 100, nullable: true }) stage: string | null;
  @Column('varchar', { length: 64 }) provider: string;
  @Column('varchar', { length: 64 }) capability: string;
  @Column('varchar', { length: 100 }) operation: string;
  @Column('varchar', { length: 64 }) fingerprint: string;
  /** ok | not_found | cache_hit | an error code */
  @Column('varchar', { length: 32 }) outcome: string;
  @Column('boolean', { default: false }) cached: boolean;
  @Column('int', { name: 'latency_ms', default: 0 }) latencyMs: number;
  @Column('int', { default: 1 }) attempts: number;
  @Column('numeric', {
    name: 'cost_usd',
    precision: 14,
    scale: 6,
    default: 0,
    transformer: numeric,
  })
  costUsd: number;
  @Column('varchar', { length: 200, nullable: true }) model: string | null;
  @Column('text', { name: 'error_message', nullable: true }) errorMessage: string | null;
  @Column('timestamptz', { name: 'created_at', default: () => 'now()' }) createdAt: Date;
}
