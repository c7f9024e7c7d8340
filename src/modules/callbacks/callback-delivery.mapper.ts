import type { CallbackDeliveryEntity } from './callback-delivery.entity';
import type { CallbackDeliveryDetailDto, CallbackDeliveryDto } from './dto/callback-deliveries.dto';

const iso = (d: Date | string | null | undefined) => (d ? new Date(d).toISOString() : null);

export function toDeliveryDto(d: CallbackDeliveryEntity): CallbackDeliveryDto {
  const open = d.status === 'pending' || d.status === 'failed';
  return {
    id: d.id,
    job_id: d.taskId,
    event: d.event,
    url: d.url,
    status: d.status,
    page: d.page,
    total_pages: d.totalPages,
    attempts: d.attempts,
    next_attempt_at: open ? iso(d.nextAttemptAt) : null,
    last_attempt_at: iso(d.lastAttemptAt),
    last_status_code: d.lastStatusCode,
    last_error: d.lastError,
    delivered_at: iso(d.deliveredAt),
    created_at: iso(d.createdAt)!,
    updated_at: iso(d.updatedAt)!,
  };
}

export function toDeliveryDetailDto(d: CallbackDeliveryEntity): CallbackDeliveryDetailDto {
  return { ...toDeliveryDto(d), payload: d.payload };
}

export function encodeSeqCursor(seq: number): string {
  return Buffer.from(`s${seq}`).toString('base64url');
}

export function decodeSeqCursor(cursor: string): number | null {
  const m = /^s(\d{1,18})$/.exec(Buffer.from(cursor, 'base64url').toString());
  return m ? Number(m[1]) : null;
}
