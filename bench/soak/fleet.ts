/**
 * What the soak runs against: the vendor stub and the callback receiver in this process, one API
 * and BENCH_WORKERS worker processes of the app with BenchProviderModule (bench-app.main.js).
 */
import { BenchChild } from '../support/bench-child';
import { ROOT } from '../support/app-process';
import { log } from '../support/common';
import { VendorStub } from '../providers/vendor-stub';
import { CallbackReceiver } from './receiver';
import { appEnv, CHILD, PROVIDER_RATE, VENDOR_LATENCY_MS, WORKERS } from './settings';

export interface Fleet {
  api: BenchChild;
  workers: BenchChild[];
  stub: VendorStub;
  receiver: CallbackReceiver;
}

/** The receiver, once started (closed at clean-up). */
export let receiver: CallbackReceiver | undefined;

export async function startFleet(): Promise<Fleet> {
  // No quota at the stub: the soak is about steady state, not the rate limiter.
  const stub = await new VendorStub(0, VENDOR_LATENCY_MS).start();
  receiver = await new CallbackReceiver().start();
  const env = (role: 'api' | 'worker') =>
    appEnv({
      ASSAY_ROLE: role,
      BENCHSTUB_BASE_URL: stub.url,
      // Far above the soak's rate: the provider's limiter never makes a task wait.
      BENCHSTUB_RATE_PER_SECOND: String(Math.max(20, PROVIDER_RATE * 4)),
    });
  log(`starting 1 API + ${WORKERS} worker processes`);
  const [api, ...workers] = await Promise.all([
    new BenchChild(CHILD, ROOT, 'api', env('api')).ready(),
    ...Array.from({ length: WORKERS }, (_, i) =>
      new BenchChild(CHILD, ROOT, `worker-${i + 1}`, env('worker')).ready(),
    ),
  ]);
  return { api, workers, stub, receiver };
}

/** Throws if a process of the fleet has exited. */
export function checkAlive(fleet: Fleet): void {
  for (const c of [fleet.api, ...fleet.workers]) {
    if (c.exitCode !== undefined) {
      throw new Error(`${c.name} (pid ${c.pid}) exited (${c.exitCode}):\n${c.tail.join('\n')}`);
    }
  }
}
