import { setFlagsFromString } from 'node:v8';

/**
 * Applies WORKER_HEAP_GROWING_PERCENT (see OpsConfig) to this process's V8. V8 reads this flag each time
 * it sizes the heap after a full collection, so setting it at start-up takes effect without a
 * command-line flag (and `NODE_OPTIONS` does not accept it). 0 leaves V8's heuristic alone.
 */
export function applyHeapGrowth(percent: number): void {
  if (percent > 0) setFlagsFromString(`--heap-growing-percent=${percent}`);
}
