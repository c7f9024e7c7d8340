import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

const TRACEPARENT = /^[\da-f]{2}-([\da-f]{32})-[\da-f]{16}-[\da-f]{2}$/i;
const REQUEST_ID = /^[\w.:-]{1,64}$/;

/**
 * The trace id of a request: the trace-id of a W3C `traceparent`, else `x-request-id` (when it is
 * a sane token), else a new one. Echoed back as `x-request-id`; pino-http uses it as `req.id`.
 */
export function traceIdFor(req: IncomingMessage, res?: ServerResponse): string {
  const tp = req.headers['traceparent'];
  let id: string | undefined;
  const m = typeof tp === 'string' ? TRACEPARENT.exec(tp.trim()) : null;
  if (m && !/^0+$/.test(m[1])) id = m[1].toLowerCase();
  const rid = req.headers['x-request-id'];
  if (!id && typeof rid === 'string' && REQUEST_ID.test(rid)) id = rid;
  id ??= randomUUID().replace(/-/g, '');
  res?.setHeader('x-request-id', id);
  return id;
}

/** A request's trace id: the one pino-http gave it, else traceIdFor's. */
export function requestTraceId(req: IncomingMessage & { id?: unknown }): string {
  return typeof req.id === 'string' ? req.id : traceIdFor(req);
}

/** The current request's trace id (see traceIdFor). */
export const TraceId = createParamDecorator((_: unknown, ctx: ExecutionContext): string =>
  requestTraceId(ctx.switchToHttp().getRequest()),
);
