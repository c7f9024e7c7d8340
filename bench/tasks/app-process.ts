/**
 * The app under test as child processes (`node dist/src/main.js` with ASSAY_ROLE=api or
 * ASSAY_ROLE=worker): the load generator and the polling never share an event loop with the code
 * they measure, and the worker's RSS is its own.
 */
import { AppProcess as BenchAppProcess } from '../support/app-process';
import { freePort } from '../support/common';
import { memoryOf } from '../support/proc';
import { appEnv } from './settings';

/** Every app process the bench started, in order (their warnings and log tails are reported). */
export const started: AppProcess[] = [];

export class AppProcess extends BenchAppProcess {
  /** Lines at level warn or above, or not JSON (a stack trace, a Node warning). */
  warnings = 0;
  /** The first such line (400 characters), printed with the count. */
  firstWarning?: string;

  constructor(role: 'api' | 'worker', port: number) {
    // BENCH_API_NODE_OPTIONS / BENCH_WORKER_NODE_OPTIONS: Node flags for one role only.
    const own = process.env[`BENCH_${role.toUpperCase()}_NODE_OPTIONS`];
    super(role, port, {
      ...process.env,
      ...appEnv(role, port),
      ...(own !== undefined ? { NODE_OPTIONS: own } : {}),
    });
    started.push(this);
  }

  protected override onLine(line: string): void {
    if (/"level":(4|5|6)\d/.test(line) || !line.startsWith('{')) {
      this.warnings++;
      this.firstWarning ??= line.slice(0, 400);
    }
  }

  /** VmRSS, VmHWM, RssAnon and RssFile in MiB, from /proc/<pid>/status. */
  memory(): ReturnType<typeof memoryOf> {
    return memoryOf(this.pid);
  }
}

export async function startApp(role: 'api' | 'worker'): Promise<AppProcess> {
  const p = new AppProcess(role, await freePort());
  return p.ready();
}
