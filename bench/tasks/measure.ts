/**
 * What the task bench measures besides time: task counts in the bench database (and the wait for
 * them), where the CPU went during a phase (a note after each phase), an app process's V8 heap.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { fmt, sleep } from '../support/common';
import type { AppProcess } from './app-process';
import { notes } from './report';
import { API_KEY, database, DB_NAME, STALL_MS } from './settings';

export const now = () => performance.now();

// ---- task counts ------------------------------------------------------------------------------

interface Counts {
  total: number;
  succeeded: number;
  failed: number;
  other: number;
}

/** Counts the tasks of the given batches (or, with null, the tasks created outside any batch). */
export async function countTasks(batchIds: string[] | null): Promise<Counts> {
  const where = batchIds ? 'batch_id = ANY($1::uuid[])' : 'batch_id IS NULL';
  const { rows } = await database.db.query(
    `SELECT count(*)::int AS total,
            count(*) FILTER (WHERE status = 'succeeded')::int AS succeeded,
            count(*) FILTER (WHERE status IN ('failed','cancelled'))::int AS failed
       FROM tasks WHERE ${where}`,
    batchIds ? [batchIds] : [],
  );
  const r = rows[0] as { total: number; succeeded: number; failed: number };
  return { ...r, other: r.total - r.succeeded - r.failed };
}

/**
 * Counts the tasks of the batches that are not succeeded, through the status index: it reads the
 * backlog only, where countTasks reads every task of the batches (polled every 100 ms over 20,000
 * tasks, that was 8 % of the box's CPU in (b), taken from the path it measures).
 */
async function countOpen(batchIds: string[]): Promise<{ open: number; failed: number }> {
  const { rows } = await database.db.query(
    `SELECT count(*) FILTER (WHERE status IN ('queued','running'))::int AS open,
            count(*) FILTER (WHERE status IN ('failed','cancelled'))::int AS failed
       FROM tasks WHERE status IN ('queued','running','failed','cancelled') AND batch_id = ANY($1::uuid[])`,
    [batchIds],
  );
  return rows[0] as { open: number; failed: number };
}

/**
 * Polls until `expected` tasks succeeded; fails on a failed task or a stall. With `stored` (how
 * many tasks of the batches are stored so far), it polls the backlog only and confirms the end with
 * a full count.
 */
export async function waitSucceeded(
  batchIds: string[] | null | (() => string[]),
  expected: number,
  everyMs: number,
  worker: AppProcess,
  check?: () => void,
  stored?: () => number,
): Promise<number> {
  let last = -1;
  let lastChange = Date.now();
  for (;;) {
    check?.();
    const ids = typeof batchIds === 'function' ? batchIds() : batchIds;
    let c: Counts;
    if (stored && ids) {
      const total = stored();
      const o = await countOpen(ids);
      c = { total, succeeded: total - o.open - o.failed, failed: o.failed, other: o.open };
      if (c.succeeded >= expected && !c.failed) c = await countTasks(ids);
    } else {
      c = await countTasks(ids);
    }
    if (c.failed) throw new Error(`${c.failed} task(s) failed or were cancelled`);
    if (c.succeeded >= expected) return now();
    if (c.succeeded !== last) {
      last = c.succeeded;
      lastChange = Date.now();
    } else if (Date.now() - lastChange > STALL_MS) {
      throw new Error(
        `no progress for ${STALL_MS / 1000} s (${c.succeeded}/${expected} succeeded, ${c.other} not final)` +
          `\nworker log tail:\n${worker.tail.join('\n')}`,
      );
    }
    if (worker.exitCode !== undefined) {
      throw new Error(`worker exited (${worker.exitCode}):\n${worker.tail.join('\n')}`);
    }
    await sleep(everyMs);
  }
}

// ---- CPU accounting ---------------------------------------------------------------------------

/** utime + stime of a process, in seconds (Linux USER_HZ is 100). */
function cpuSeconds(pid: number): number {
  const t = cpuTimes(pid);
  return t.user + t.system;
}

/** utime and stime of a process apart, in seconds (NaN once it is gone). */
function cpuTimes(pid: number): { user: number; system: number } {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { user: Number(f[11]) / 100, system: Number(f[12]) / 100 };
  } catch {
    return { user: NaN, system: NaN };
  }
}

/**
 * Busy and total CPU seconds of the whole machine, from /proc/stat, and of the busy time what the
 * hypervisor took for other guests (steal: on a shared VM the same bench can run half as fast).
 */
function machineSeconds(): { busy: number; total: number; steal: number } {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1, 9);
  const [user, nice, system, idle, iowait, irq, softirq, steal] = f.map(Number);
  const busy = user + nice + system + irq + softirq + steal;
  return { busy: busy / 100, total: (busy + idle + iowait) / 100, steal: steal / 100 };
}

/** Pids of the Postgres backends serving the bench database (the app's pools and the poller). */
async function pgBackends(): Promise<number[]> {
  const { rows } = await database.db.query(`SELECT pid FROM pg_stat_activity WHERE datname = $1`, [
    DB_NAME,
  ]);
  return rows.map((r: { pid: number }) => r.pid);
}

/**
 * Where the CPU went during a phase: the app's processes, the Postgres backends of the bench
 * database, the bench process itself, the rest of the machine (Redis, Postgres background
 * processes, and anything else running — the noise) and the CPU time the hypervisor gave to
 * other guests (steal).
 */
export async function cpuMeter(
  procs: AppProcess[],
): Promise<(label: string, units: number, unit: string) => Promise<void>> {
  const pids = new Map<string, number>(procs.map((p) => [`${p.role} (pid ${p.pid})`, p.pid]));
  const backends = await pgBackends();
  const xacts = async () =>
    Number(
      (
        await database.db.query(
          'SELECT xact_commit + xact_rollback AS n FROM pg_stat_database WHERE datname = $1',
          [DB_NAME],
        )
      ).rows[0].n,
    );
  const x0 = await xacts();
  const before = new Map([...pids].map(([k, pid]) => [k, cpuTimes(pid)]));
  const pgBefore = new Map(backends.map((pid) => [pid, cpuSeconds(pid)]));
  const m0 = machineSeconds();
  const b0 = process.cpuUsage();
  return async (label, units, unit) => {
    const m1 = machineSeconds();
    const b = process.cpuUsage(b0);
    // The app's processes with their share of system time (syscalls: socket reads and writes).
    const parts: Array<[string, number]> = [...pids].map(([k, pid]) => {
      const t = cpuTimes(pid);
      const user = t.user - before.get(k)!.user;
      const system = t.system - before.get(k)!.system;
      const share = user + system > 0 ? Math.round((100 * system) / (user + system)) : 0;
      return [`${k} (${share} % system)`, user + system];
    });
    let pg = 0;
    let poller = 0;
    const pollerPid = (database.db as unknown as { processID: number }).processID;
    // Backends opened during the phase are counted from zero.
    for (const pid of new Set([...backends, ...(await pgBackends())])) {
      const v = cpuSeconds(pid) - (pgBefore.get(pid) ?? 0);
      if (!Number.isFinite(v)) continue;
      if (pid === pollerPid) poller += v;
      else pg += v;
    }
    parts.push(
      ['postgres backends of the app', pg],
      ["postgres backend of the bench's polling", poller],
      ['bench', (b.user + b.system) / 1e6],
    );
    const ours = parts.reduce((a, [, v]) => a + (Number.isFinite(v) ? v : 0), 0);
    const busy = m1.busy - m0.busy;
    const steal = m1.steal - m0.steal;
    parts.push(['rest of machine', busy - ours - steal], ['hypervisor steal', steal]);
    const per = (v: number) => (units ? ` = ${fmt((v * 1000) / units, 3)} ms/${unit}` : '');
    // Postgres counts statements outside a transaction block as one transaction each (its
    // per-backend statistics reach pg_stat_database within about a second).
    await sleep(1100);
    const tx = (await xacts()) - x0;
    notes.push(
      `CPU during ${label} (${fmt(busy, 1)} s busy of ${fmt(m1.total - m0.total, 1)} s on ${os.cpus().length} CPUs): ` +
        parts.map(([k, v]) => `${k} ${fmt(v, 2)} s${per(v)}`).join('; ') +
        `; Postgres transactions ${fmt(tx)}${units ? ` = ${fmt(tx / units, 2)}/${unit}` : ''}`,
    );
  };
}

/**
 * Reads an app process's /metrics (prom-client defaults) and formats the named gauges with
 * `show`; 'n/a' when the process does not answer or lacks one of them.
 */
async function fromMetrics(
  p: AppProcess,
  show: (value: (name: string) => number) => string,
): Promise<string> {
  try {
    const text = await (
      await fetch(`${p.url}/metrics`, { headers: { 'x-api-key': API_KEY } })
    ).text();
    return show((name) => Number(new RegExp(`^${name} (\\S+)`, 'm').exec(text)![1]));
  } catch {
    return 'n/a';
  }
}

/** V8 heap used / total of an app process in MiB. */
export function heapOf(p: AppProcess): Promise<string> {
  const mib = (n: number) => fmt(n / 2 ** 20, 1);
  return fromMetrics(
    p,
    (v) =>
      `${mib(v('nodejs_heap_size_used_bytes'))} / ${mib(v('nodejs_heap_size_total_bytes'))} MiB`,
  );
}

/** Sizes of V8's young and old generations (space totals) of an app process in MiB. */
export function generationsOf(p: AppProcess): Promise<string> {
  const mib = (n: number) => fmt(n / 2 ** 20, 0);
  const space = (v: (name: string) => number, s: string) =>
    v(`nodejs_heap_space_size_total_bytes\\{space="${s}"\\}`);
  return fromMetrics(p, (v) => `young ${mib(space(v, 'new'))} / old ${mib(space(v, 'old'))} MiB`);
}

/**
 * The event-loop delay of an app process since the previous read of its /metrics (prom-client's
 * monitor restarts at each read): `p99 / max` in ms. Tells a stalled event loop from requests that
 * waited on PostgreSQL or Redis.
 */
export function eventLoopOf(p: AppProcess): Promise<string> {
  const ms = (n: number) => fmt(n * 1000, 1);
  return fromMetrics(
    p,
    (v) =>
      `p99 ${ms(v('nodejs_eventloop_lag_p99_seconds'))} / max ${ms(v('nodejs_eventloop_lag_max_seconds'))} ms`,
  );
}
