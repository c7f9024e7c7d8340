import { Column, CreateDateColumn, Entity, PrimaryColumn, UpdateDateColumn } from 'typeorm';

export const CALLBACK_EVENTS = [
  'task.succeeded',
  'task.failed',
  'task.cancelled',
  'task.progress',
  'item.succeeded',
  'item.failed',
  'item.cancelled',
] as const;
export type CallbackEvent = (typeof CALLBACK_EVENTS)[number];

/**
 * pending: not tried yet (or queued again by a redelivery); failed: the last attempt failed and
 * another is scheduled; delivered: a 2xx answer; dead: every attempt of the schedule failed, or
 * the target was blocked (dead letter: only a redelivery sends it again); disabled: its URL
 * answered 410 Gone.
 */
export const DELIVERY_STATUSES = ['pending', 'failed', 'delivered', 'dead', 'disabled'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

const bigint = { to: (v: number) => v, from: (v: string | null) => (v == null ? 0 : Number(v)) };

/**
 * One callback POST (the outbox row). Its id is the `webhook-id` header, the same on every
 * attempt; `payload` is the exact body, stored so that every attempt sends the same bytes.
 */
@Entity({ name: 'callback_deliveries' })
export class CallbackDeliveryEntity {
  /** `msg_<uuid>`: the webhook-id. */
  @PrimaryColumn('varchar', { length: 64 }) id: string;
  /** Insertion order (cursor of the list API; pages of one event are consecutive). */
  @Column({ type: 'bigint', insert: false, update: false, transformer: bigint }) seq: number;
  @Column('uuid', { name: 'task_id' }) taskId: string;
  /** One task end (or stage change): the pages of one result share it. */
  @Column('varchar', { name: 'event_id', length: 64 }) eventId: string;
  @Column('varchar', { length: 32 }) event: CallbackEvent;
  /** The task's tenant (a tenant-bound caller sees only its own deliveries). */
  @Column('varchar', { name: 'tenant_id', length: 100, nullable: true }) tenantId: string | null;
  /** The task's retry round when it was written (a manual retry's callbacks start afresh). */
  @Column('int', { default: 0 }) round: number;
  /** Index of the entity this delivery reports on, for tasks that report per entity (bulk accounts). */
  @Column('varchar', { name: 'stream_key', length: 64, nullable: true }) streamKey: string | null;
  /** Set on terminal per-entity deliveries: one per (task, stream), however often it is announced. */
  @Column('varchar', { name: 'dedupe_key', length: 200, nullable: true }) dedupeKey: string | null;
  @Column('text') url: string;
  @Column('jsonb') payload: Record<string, unknown>;
  @Column('int', { nullable: true }) page: number | null;
  @Column('int', { name: 'total_pages', nullable: true }) totalPages: number | null;
  @Column('varchar', { length: 16 }) status: DeliveryStatus;
  /** Every attempt ever made. */
  @Column('int', { default: 0 }) attempts: number;
  /** Attempts since the delivery was created or last redelivered: the position in the schedule. */
  @Column('int', { name: 'round_attempts', default: 0 }) roundAttempts: number;
  @Column('timestamptz', { name: 'next_attempt_at' }) nextAttemptAt: Date;
  @Column('timestamptz', { name: 'last_attempt_at', nullable: true }) lastAttemptAt: Date | null;
  @Column('int', { name: 'last_status_code', nullable: true }) lastStatusCode: number | null;
  @Column('text', { name: 'last_error', nullable: true }) lastError: string | null;
  @Column('timestamptz', { name: 'delivered_at', nullable: true }) deliveredAt: Date | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}
