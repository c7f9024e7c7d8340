/**
 * The app under test as child processes (`node dist/src/main.js` with ASSAY_ROLE=api or
 * ASSAY_ROLE=worker): the load generator and the polling never share an event loop with the code
 * they measure, and the worker's RSS is its own.
 */
import { readFileSync } from 'node:fs';
import { AppProcess as BenchAppProcess } from '../support/app-process';
import { freePort } from '../support/common';
import { appEnv } from './settings';

/** Every app process the bench started, in order (their warnings and log tails are reported). */
export const started: AppProcess[] = [];

export class AppProcess extends BenchAppProcess {
  /** Lines at level warn or above, or not JSON (a stack trace, a Node warning). */
  warnings = 0;

  constructor(role: 'api' | 'worker', port: number) {
    super(role, port, { ...process.env, ...appEnv(role, port) });
    started.push(this);
  }

  protected override onLine(line: string): void {
    if (/"level":(4|5|6)\d/.test(line) || !line.startsWith('{')) this.warnings++;
  }

  /** VmRSS and VmHWM in MiB, from /proc/<pid>/status. */
  memory(): { rss: number; hwm: number } {
    const status = readFileSync(`/proc/${this.pid}/status`, 'utf8');
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)![1]);
    return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 };
  }
}

export async function startApp(role: 'api' | 'worker'): Promise<AppProcess> {
  const p = new AppProcess(role, await freePort());
  return p.ready();
}
