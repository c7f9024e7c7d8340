/**
 * Whether an error means "PostgreSQL / Redis cannot be reached right now" (a connection refused,
 * dropped or timed out; the server shutting down or starting up) rather than a fault of the
 * request or the task. Such errors are answered 503 with Retry-After and retried by the engine,
 * never counted as a task's failure.
 */

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** SQLSTATEs of a server that is going away or not there yet (class 08: connection exceptions). */
const PG_UNAVAILABLE_STATES = new Set(['57P01', '57P02', '57P03', '53300']);

const PG_MESSAGES = [
  /Connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /Client has encountered a connection error/i,
  /Connection terminated due to connection timeout/i,
  /database system is (shutting down|starting up|in recovery mode)/i,
  /terminating connection due to administrator command/i,
  /the database system is not yet accepting connections/i,
  /Client was closed and is not queryable/i,
];

const REDIS_MESSAGES = [
  /Connection is closed/i,
  /Stream isn't writeable/i,
  /Reached the max retries per request limit/i,
];

function causes(err: unknown): unknown[] {
  const out: unknown[] = [];
  let e: unknown = err;
  for (let i = 0; e && i < 5; i++) {
    out.push(e);
    const x = e as { driverError?: unknown; cause?: unknown };
    e = x.driverError ?? x.cause;
  }
  return out;
}

export function isDatabaseUnavailable(err: unknown): boolean {
  return causes(err).some((e) => {
    const x = e as { code?: unknown; message?: unknown; name?: unknown };
    if (typeof x.code === 'string' && (NETWORK_CODES.has(x.code) || x.code.startsWith('08')))
      return !isRedisError(e);
    if (typeof x.code === 'string' && PG_UNAVAILABLE_STATES.has(x.code)) return true;
    const message = typeof x.message === 'string' ? x.message : '';
    return PG_MESSAGES.some((re) => re.test(message)) && !isRedisError(e);
  });
}

export function isRedisUnavailable(err: unknown): boolean {
  return causes(err).some((e) => {
    const x = e as { name?: unknown; message?: unknown };
    if (x.name === 'MaxRetriesPerRequestError') return true;
    const message = typeof x.message === 'string' ? x.message : '';
    return REDIS_MESSAGES.some((re) => re.test(message));
  });
}

/** ioredis errors name themselves or carry ioredis' messages. */
function isRedisError(e: unknown): boolean {
  const x = e as { name?: unknown; message?: unknown };
  return (
    x.name === 'MaxRetriesPerRequestError' ||
    (typeof x.message === 'string' && REDIS_MESSAGES.some((re) => re.test(x.message as string)))
  );
}
