/** A process's memory as Linux reports it (/proc/<pid>/status). */
import { readFileSync } from 'node:fs';

/** VmRSS (resident now) and VmHWM (its peak) in MiB; NaN for a process that is gone. */
export function memoryOf(pid: number): { rss: number; hwm: number } {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return { rss: NaN, hwm: NaN };
  }
  const kb = (key: string) =>
    Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 };
}
