import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { CallbackDeliveryEntity, CallbackEvent, DeliveryStatus } from './callback-delivery.entity';
import { CallbackEndpointEntity } from './callback-endpoint.entity';

export interface DeliveryListFilter {
  /** Only this tenant's deliveries (tenant-bound callers). */
  tenant?: string;
  taskId?: string;
  status?: DeliveryStatus[];
  event?: CallbackEvent;
  /** Cursor: rows strictly older (smaller seq). */
  beforeSeq?: number;
  limit: number;
}

/** Statuses a delivery is still to be sent in. */
const OPEN: DeliveryStatus[] = ['pending', 'failed'];

/** The only place that reads and writes callback_deliveries and callback_endpoints. */
@Injectable()
export class CallbacksRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  private repo(em?: EntityManager) {
    return (em ?? this.ds.manager).getRepository(CallbackDeliveryEntity);
  }

  /**
   * Inside the caller's transaction (the outbox write). Rows whose dedupe_key is taken (an
   * entity's end announced again) are skipped; returns the ids actually inserted.
   */
  async insertMany(rows: Partial<CallbackDeliveryEntity>[], em?: EntityManager): Promise<string[]> {
    if (!rows.length) return [];
    const res = await this.repo(em)
      .createQueryBuilder()
      .insert()
      .values(rows as QueryDeepPartialEntity<CallbackDeliveryEntity>[])
      .orIgnore()
      .returning(['id'])
      .updateEntity(false)
      .execute();
    return (res.raw as Array<{ id: string }>).map((r) => r.id);
  }

  /**
   * The newest delivery of one stream of a task (null stream: the task's own): its event, stage
   * and percentage, so that progress callbacks never go back nor repeat a stage.
   */
  async lastOfStream(
    taskId: string,
    round: number,
    streamKey: string | null,
  ): Promise<{ event: CallbackEvent; stage: string | null; percent: number } | null> {
    const rows: Array<{ event: CallbackEvent; stage: string | null; percent: string | null }> =
      await this.ds.query(
        `SELECT event, payload->>'stage' AS stage, payload->>'completion_percentage' AS percent
           FROM callback_deliveries
          WHERE task_id = $1 AND round = $2 AND stream_key IS NOT DISTINCT FROM $3
          ORDER BY seq DESC LIMIT 1`,
        [taskId, round, streamKey],
      );
    if (!rows.length) return null;
    return { event: rows[0].event, stage: rows[0].stage, percent: Number(rows[0].percent ?? 0) };
  }

  /** Streams of a task's round whose terminal delivery exists (inside the task-end transaction). */
  async endedStreams(taskId: string, round: number, em?: EntityManager): Promise<Set<string>> {
    const rows: Array<{ stream_key: string }> = await (em ?? this.ds.manager).query(
      `SELECT stream_key FROM callback_deliveries
        WHERE task_id = $1 AND round = $2 AND dedupe_key IS NOT NULL AND stream_key IS NOT NULL`,
      [taskId, round],
    );
    return new Set(rows.map((r) => r.stream_key));
  }

  findById(id: string): Promise<CallbackDeliveryEntity | null> {
    return this.repo().findOneBy({ id });
  }

  list(f: DeliveryListFilter): Promise<CallbackDeliveryEntity[]> {
    const qb = this.repo().createQueryBuilder('d');
    if (f.tenant) qb.andWhere('d.tenant_id = :tenant', { tenant: f.tenant });
    if (f.taskId) qb.andWhere('d.task_id = :taskId', { taskId: f.taskId });
    if (f.status?.length) qb.andWhere('d.status IN (:...status)', { status: f.status });
    if (f.event) qb.andWhere('d.event = :event', { event: f.event });
    if (f.beforeSeq !== undefined) qb.andWhere('d.seq < :seq', { seq: f.beforeSeq });
    return qb.orderBy('d.seq', 'DESC').limit(f.limit).getMany();
  }

  /** Whether the page before this one (same event) has been delivered; true for page 1 and unpaged. */
  async previousPageDelivered(
    d: Pick<CallbackDeliveryEntity, 'eventId' | 'page'>,
  ): Promise<boolean> {
    if (!d.page || d.page <= 1) return true;
    const prev = await this.repo().findOne({
      where: { eventId: d.eventId, page: d.page - 1 },
      select: { status: true },
    });
    return prev?.status === 'delivered';
  }

  /** The next page of the same event, once this one is delivered. */
  nextPage(
    d: Pick<CallbackDeliveryEntity, 'eventId' | 'page'>,
  ): Promise<CallbackDeliveryEntity | null> {
    if (!d.page) return Promise.resolve(null);
    return this.repo().findOneBy({ eventId: d.eventId, page: d.page + 1 });
  }

  /**
   * Whether an earlier delivery of the same task and stream is still open: callbacks of one
   * stream go out in the order they were written (this one waits, and is queued when it settles).
   */
  async earlierOpenInStream(
    d: Pick<CallbackDeliveryEntity, 'taskId' | 'streamKey' | 'seq'>,
  ): Promise<boolean> {
    const rows: unknown[] = await this.ds.query(
      `SELECT 1 FROM callback_deliveries
        WHERE task_id = $1 AND stream_key IS NOT DISTINCT FROM $2 AND seq < $3
          AND status IN ('pending','failed') LIMIT 1`,
      [d.taskId, d.streamKey, d.seq],
    );
    return rows.length > 0;
  }

  /** Whether a later delivery of the same task and stream exists (a failing progress one is superseded). */
  async laterInStream(
    d: Pick<CallbackDeliveryEntity, 'taskId' | 'streamKey' | 'seq'>,
  ): Promise<boolean> {
    const rows: unknown[] = await this.ds.query(
      `SELECT 1 FROM callback_deliveries
        WHERE task_id = $1 AND stream_key IS NOT DISTINCT FROM $2 AND seq > $3 LIMIT 1`,
      [d.taskId, d.streamKey, d.seq],
    );
    return rows.length > 0;
  }

  /** The next open delivery of the same task and stream, once this one has settled. */
  async nextOpenInStream(
    d: Pick<CallbackDeliveryEntity, 'taskId' | 'streamKey' | 'seq'>,
  ): Promise<string | null> {
    const rows: Array<{ id: string }> = await this.ds.query(
      `SELECT id FROM callback_deliveries
        WHERE task_id = $1 AND stream_key IS NOT DISTINCT FROM $2 AND seq > $3
          AND status IN ('pending','failed')
        ORDER BY seq LIMIT 1`,
      [d.taskId, d.streamKey, d.seq],
    );
    return rows[0]?.id ?? null;
  }

  /**
   * Open deliveries whose attempt is due, oldest first (the callbacks sweep). Later pages whose
   * predecessor is not delivered yet, and deliveries behind an open one of their stream, are left
   * out: they go when it does.
   */
  async findDue(
    limit: number,
  ): Promise<Array<Pick<CallbackDeliveryEntity, 'id' | 'nextAttemptAt'>>> {
    const rows: Array<{ id: string; next_attempt_at: Date }> = await this.ds.query(
      `SELECT d.id, d.next_attempt_at FROM callback_deliveries d
        WHERE d.status IN ('pending','failed') AND d.next_attempt_at <= now()
          -- Written or attempted a moment ago: its job is (almost certainly) in the queue.
          AND d.updated_at < now() - interval '2 seconds'
          AND (d.page IS NULL OR d.page = 1 OR EXISTS (
                SELECT 1 FROM callback_deliveries p
                 WHERE p.event_id = d.event_id AND p.page = d.page - 1 AND p.status = 'delivered'))
          AND NOT EXISTS (
                SELECT 1 FROM callback_deliveries e
                 WHERE e.task_id = d.task_id AND e.stream_key IS NOT DISTINCT FROM d.stream_key
                   AND e.seq < d.seq AND e.status IN ('pending','failed'))
        ORDER BY d.next_attempt_at LIMIT $1`,
      [limit],
    );
    return rows.map((r) => ({ id: r.id, nextAttemptAt: r.next_attempt_at }));
  }

  /** Deliveries still to be sent, by status (the outbox backlog). */
  async openCounts(): Promise<{ pending: number; failed: number }> {
    const rows: Array<{ status: 'pending' | 'failed'; n: number }> = await this.ds.query(
      `SELECT status, count(*)::int AS n FROM callback_deliveries
        WHERE status IN ('pending','failed') GROUP BY status`,
    );
    const out = { pending: 0, failed: 0 };
    for (const r of rows) out[r.status] = r.n;
    return out;
  }

  /** Deletes finished deliveries (delivered, dead, disabled) created before `cutoff`. */
  async deleteFinishedBefore(cutoff: Date, limit: number): Promise<number> {
    const r = await this.ds.query(
      `DELETE FROM callback_deliveries WHERE id IN (
         SELECT id FROM callback_deliveries
          WHERE created_at < $1 AND status IN ('delivered','dead','disabled') LIMIT $2)`,
      [cutoff, limit],
    );
    return Number(r[1] ?? 0);
  }

  /** Counts an attempt that got a 2xx. Only an open delivery moves. */
  async markDelivered(id: string, statusCode: number): Promise<boolean> {
    return this.moveOpen(id, {
      status: 'delivered',
      lastStatusCode: statusCode,
      lastError: null,
      deliveredAt: () => 'now()',
    });
  }

  /** Counts a failed attempt; `nextAttemptAt` null = no attempt left (dead letter). */
  async markFailed(
    id: string,
    outcome: { statusCode: number | null; error: string; nextAttemptAt: Date | null },
  ): Promise<boolean> {
    return this.moveOpen(id, {
      status: outcome.nextAttemptAt ? 'failed' : 'dead',
      lastStatusCode: outcome.statusCode,
      lastError: outcome.error,
      ...(outcome.nextAttemptAt ? { nextAttemptAt: outcome.nextAttemptAt } : {}),
    });
  }

  private async moveOpen(
    id: string,
    set: QueryDeepPartialEntity<CallbackDeliveryEntity>,
  ): Promise<boolean> {
    const r = await this.repo()
      .createQueryBuilder()
      .update()
      .set({
        ...set,
        attempts: () => 'attempts + 1',
        roundAttempts: () => 'round_attempts + 1',
        lastAttemptAt: () => 'now()',
      })
      .where('id = :id AND status IN (:...open)', { id, open: OPEN })
      .execute();
    return (r.affected ?? 0) > 0;
  }

  /** The delivery is not sent: its URL is disabled (no attempt counted). */
  async markDisabled(id: string, reason: string): Promise<void> {
    await this.repo()
      .createQueryBuilder()
      .update()
      .set({ status: 'disabled', lastError: reason })
      .where('id = :id AND status IN (:...open)', { id, open: OPEN })
      .execute();
  }

  /**
   * A 410 Gone: the URL is disabled, the delivery that got it counts the attempt, and every other
   * open delivery to the URL is disabled too. One transaction.
   */
  async disableEndpoint(url: string, deliveryId: string, reason: string): Promise<void> {
    await this.ds.transaction(async (em) => {
      await em.query(
        `INSERT INTO callback_endpoints (url, disabled_at, disabled_reason, updated_at)
         VALUES ($1, now(), $2, now())
         ON CONFLICT (url) DO UPDATE SET disabled_at = now(), disabled_reason = $2, updated_at = now()`,
        [url, reason],
      );
      await em.query(
        `UPDATE callback_deliveries SET status = 'disabled', last_status_code = 410, last_error = $2,
                attempts = attempts + 1, round_attempts = round_attempts + 1,
                last_attempt_at = now(), updated_at = now()
          WHERE id = $1 AND status IN ('pending','failed')`,
        [deliveryId, reason],
      );
      await em.query(
        `UPDATE callback_deliveries SET status = 'disabled', last_error = $2, updated_at = now()
          WHERE url = $1 AND status IN ('pending','failed')`,
        [url, `not sent: the URL was disabled (${reason})`],
      );
    });
  }

  async isEndpointDisabled(url: string): Promise<boolean> {
    const row = await this.ds.manager
      .getRepository(CallbackEndpointEntity)
      .findOne({ where: { url }, select: { disabledAt: true } });
    return !!row?.disabledAt;
  }

  async enableEndpoint(url: string): Promise<void> {
    await this.ds.query(
      `UPDATE callback_endpoints SET disabled_at = NULL, disabled_reason = NULL, updated_at = now()
        WHERE url = $1`,
      [url],
    );
  }

  /**
   * Redelivery: a delivery that is not waiting for its first attempt opens again for a new round
   * of the schedule, due now, with its id (the webhook-id) and body unchanged. Null when it is
   * pending already or gone.
   */
  async reopen(id: string): Promise<CallbackDeliveryEntity | null> {
    const rows = await this.ds.query(
      `UPDATE callback_deliveries SET status = 'pending', round_attempts = 0,
              next_attempt_at = now(), updated_at = now()
        WHERE id = $1 AND status IN ('failed','delivered','dead','disabled') RETURNING id`,
      [id],
    );
    return (rows[0] as unknown[]).length ? this.findById(id) : null;
  }
}
