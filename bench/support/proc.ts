/** A process's memory as Linux reports it (/proc/<pid>/status). */
import { readFileSync } from 'node:fs';

/**
 * VmRSS (resident now), VmHWM (its peak) and the resident anonymous (heap, stacks, V8's spaces)
 * and file-backed (code, mapped files) parts in MiB; NaN for a process that is gone.
 */
export function memoryOf(pid: number): { rss: number; hwm: number; anon: number; file: number } {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return { rss: NaN, hwm: NaN, anon: NaN, file: NaN };
  }
  const kb = (key: string) =>
    Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return {
    rss: kb('VmRSS') / 1024,
    hwm: kb('VmHWM') / 1024,
    anon: kb('RssAnon') / 1024,
    file: kb('RssFile') / 1024,
  };
}
