import { ApiError, NetworkError } from '../api-client';

/**
 * Runs `each` on every row, at most `concurrency` rows in flight, until all are done or the run is
 * aborted (Ctrl-C). An error thrown by `each` is fatal: it aborts the other rows and is thrown
 * once the rows in flight have stopped.
 */
export async function eachRow<T>(
  rows: T[],
  concurrency: number,
  abort: AbortController,
  each: (row: T) => Promise<void>,
): Promise<void> {
  let fatal: unknown;
  let next = 0;
  const worker = async () => {
    while (!abort.signal.aborted && next < rows.length) {
      const row = rows[next++];
      try {
        await each(row);
      } catch (err) {
        if (!abort.signal.aborted) {
          fatal = err;
          abort.abort();
        }
        return;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, rows.length) }, worker));
  if (fatal) throw fatal;
}

/** A refused key or an unreachable server: every other row would fail the same way. */
export function isFatal(err: unknown): boolean {
  return (
    err instanceof NetworkError || (err instanceof ApiError && [401, 403].includes(err.status))
  );
}
