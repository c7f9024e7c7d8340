/**
 * Open-loop load shared by the benches: request i is due at t0 + i/rate whatever happened to the
 * earlier ones (a slow answer does not slow the sender down), and latency counts from when a
 * request was due, so the load generator's own lag is part of it.
 */
import { sleep } from './common';

/** Monotonic milliseconds (performance.now). */
const now = () => performance.now();

/**
 * Calls `fire(due)` for `total` requests, evenly spaced at `rate` per second from now, `due`
 * being the request's scheduled time in performance.now() milliseconds; stops early once `stop()`
 * answers true. Between requests it sleeps until the next one is due (at least 1 ms).
 */
export async function openLoop(
  rate: number,
  total: number,
  fire: (due: number) => void,
  stop: () => boolean = () => false,
): Promise<void> {
  if (rate <= 0) return;
  const t0 = now();
  let sent = 0;
  while (sent < total && !stop()) {
    const due = Math.min(total, Math.floor(((now() - t0) / 1000) * rate) + 1);
    for (; sent < due; sent++) fire(t0 + (sent * 1000) / rate);
    if (sent < total) await sleep(Math.max(1, t0 + (sent * 1000) / rate - now()));
  }
}

/** The p-th percentile (nearest rank) of an ascending list; NaN when it is empty. */
export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}
