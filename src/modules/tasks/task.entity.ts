import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

export const TASK_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];
export const FINAL_STATUSES: readonly TaskStatus[] = ['succeeded', 'failed', 'cancelled'];

export interface TaskProgress {
  percent: number;
  message?: string;
  counters?: Record<string, number>;
  /** Early partial results of this stage, sent as `processed_data` on its progress callback. */
  data?: Record<string, unknown>;
}

export interface TaskErrorInfo {
  code: string;
  message: string;
  retryable: boolean;
  stage?: string | null;
  at?: string;
  /**
   * Per callback stream (index as a string) of a task that reports per entity: why that entity
   * failed, when it differs from the task's error. Its terminal callback carries this.
   */
  streams?: Record<
    string,
    { code: string; message: string; retryable: boolean; stage?: string | null }
  >;
}

/** Output of each completed stage, so a retried task resumes after it instead of redoing it. */
export type TaskCheckpoints = Record<string, { output: unknown; completed_at: string }>;

const numeric = { to: (v: number) => v, from: (v: string | null) => (v == null ? 0 : Number(v)) };
const nullableNumeric = {
  to: (v: number | null) => v,
  from: (v: string | null) => (v == null ? null : Number(v)),
};

@Entity({ name: 'tasks' })
export class TaskEntity {
  @PrimaryColumn('uuid') id: string;
  @Column('varchar', { length: 100 }) type: string;
  @Column('varchar', { length: 16 }) status: TaskStatus;
  @Column('varchar', { length: 100, nullable: true }) stage: string | null;
  @Column('jsonb', { default: () => `'{"percent":0}'` }) progress: TaskProgress;
  @Column('int', { default: 0 }) attempts: number;
  @Column('int', { name: 'max_attempts' }) maxAttempts: number;
  @Column('int', { default: 0 }) priority: number;
  @Column('int', { name: 'timeout_ms' }) timeoutMs: number;
  @Column('jsonb') input: Record<string, unknown>;
  @Column('jsonb', { nullable: true }) result: unknown;
  @Column('jsonb', { nullable: true }) error: TaskErrorInfo | null;
  @Column('jsonb', { default: () => `'{}'` }) checkpoints: TaskCheckpoints;
  @Column('varchar', { name: 'idempotency_key', length: 255, nullable: true })
  idempotencyKey: string | null;
  @Column('varchar', { name: 'request_hash', length: 64, nullable: true })
  requestHash: string | null;
  @Column('varchar', { name: 'scope_key', length: 500, nullable: true }) scopeKey: string | null;
  @Column('uuid', { name: 'reused_from', nullable: true }) reusedFrom: string | null;
  @Column('uuid', { name: 'batch_id', nullable: true }) batchId: string | null;
  /** The tenant the task belongs to (null: created by an operator for no tenant). */
  @Column('varchar', { name: 'tenant_id', length: 100, nullable: true }) tenantId: string | null;
  /**
   * The client's own job id (seed payloads' `job_id`, e.g. `linkedin_research_<lead_id>`): echoed
   * in callbacks and accepted by the status routes; not unique (the newest task wins).
   */
  @Column('varchar', { name: 'external_id', length: 255, nullable: true })
  externalId: string | null;
  /** 0, then +1 at each manual retry: callbacks of a new round start afresh (progress, per-entity ends). */
  @Column('int', { name: 'retry_round', default: 0 }) retryRound: number;
  @Column('varchar', { name: 'account_id', length: 255, nullable: true }) accountId: string | null;
  @Column('varchar', { name: 'lead_id', length: 255, nullable: true }) leadId: string | null;
  @Column('text', { name: 'callback_url', nullable: true }) callbackUrl: string | null;
  @Column('varchar', { name: 'trace_id', length: 64 }) traceId: string;
  @Column('numeric', {
    name: 'cost_usd',
    precision: 14,
    scale: 6,
    default: 0,
    transformer: numeric,
  })
  costUsd: number;
  @Column('numeric', {
    name: 'budget_usd',
    precision: 14,
    scale: 6,
    nullable: true,
    transformer: nullableNumeric,
  })
  budgetUsd: number | null;
  @Column('numeric', {
    name: 'batch_budget_usd',
    precision: 14,
    scale: 6,
    nullable: true,
    transformer: nullableNumeric,
  })
  batchBudgetUsd: number | null;
  @Column('timestamptz', { name: 'cancel_requested_at', nullable: true })
  cancelRequestedAt: Date | null;
  @Column('timestamptz', { name: 'next_attempt_at', nullable: true }) nextAttemptAt: Date | null;
  /** While running: until when its worker holds it (renewed every second; see LeaseKeeper). */
  @Column('timestamptz', { name: 'lease_until', nullable: true }) leaseUntil: Date | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
  @Column('timestamptz', { name: 'started_at', nullable: true }) startedAt: Date | null;
  @Column('timestamptz', { name: 'finished_at', nullable: true }) finishedAt: Date | null;
}
