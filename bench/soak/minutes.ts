/**
 * Once a minute: the load's figures of that minute, the task counts in the bench database, the
 * callbacks received, and the VmRSS of every process (API, workers, the bench itself), printed
 * as one line and kept for the summary.
 */
import { fmt, log } from '../support/common';
import { percentile } from '../support/paced';
import { memoryOf } from '../support/proc';
import type { Fleet } from './fleet';
import type { SoakLoad } from './load';
import { database } from './settings';

export interface Counts {
  total: number;
  succeeded: number;
  /** failed or cancelled */
  failed: number;
  /** not final yet: the queue's backlog */
  backlog: number;
}

export interface Minute {
  n: number;
  createsSent: number;
  createsOk: number;
  createsNon2xx: number;
  createP50: number;
  createP99: number;
  /** create p99 from when each request was sent (without the bench's own lag) */
  createSendP99: number;
  polls: number;
  pollsNon2xx: number;
  pollP99: number;
  /** non-2xx answers by status code */
  codes: Record<number, number>;
  finished: number;
  callbacks: number;
  vendorCalls: number;
  counts: Counts;
  /** VmRSS in MiB by process name (api, worker-1 …, bench). */
  rss: Record<string, number>;
}

export async function taskCounts(): Promise<Counts> {
  const { rows } = await database.db.query(
    `SELECT count(*)::int AS total,
            count(*) FILTER (WHERE status = 'succeeded')::int AS succeeded,
            count(*) FILTER (WHERE status IN ('failed','cancelled'))::int AS failed
       FROM tasks`,
  );
  const r = rows[0] as { total: number; succeeded: number; failed: number };
  return { ...r, backlog: r.total - r.succeeded - r.failed };
}

/** The process names and pids whose RSS is sampled. */
export const processesOf = (fleet: Fleet): Array<[string, number]> => [
  ['api', fleet.api.pid],
  ...fleet.workers.map((w): [string, number] => [w.name, w.pid]),
  ['bench', process.pid],
];

export class Monitor {
  readonly minutes: Minute[] = [];
  private finalsBefore = 0;
  private doneBefore = 0;
  vendorCalls = 0;

  constructor(
    private readonly fleet: Fleet,
    private readonly load: SoakLoad,
  ) {}

  async sample(n: number): Promise<Minute> {
    const w = this.load.take();
    const counts = await taskCounts();
    const done = counts.succeeded + counts.failed;
    const finals = this.fleet.receiver.finals;
    // The stub's timestamps are of no use here; dropped so the bench's RSS stays its own.
    const vendorCalls = this.fleet.stub.accepted.length + this.fleet.stub.rejected.length;
    this.fleet.stub.reset();
    this.vendorCalls += vendorCalls;
    w.createMs.sort((a, b) => a - b);
    w.createSendMs.sort((a, b) => a - b);
    w.pollMs.sort((a, b) => a - b);
    const m: Minute = {
      n,
      createsSent: w.createsSent,
      createsOk: w.createsOk,
      createsNon2xx: w.createsNon2xx,
      createP50: percentile(w.createMs, 50),
      createP99: percentile(w.createMs, 99),
      createSendP99: percentile(w.createSendMs, 99),
      polls: w.polls,
      pollsNon2xx: w.pollsNon2xx,
      pollP99: percentile(w.pollMs, 99),
      codes: w.codes,
      finished: done - this.doneBefore,
      callbacks: finals - this.finalsBefore,
      vendorCalls,
      counts,
      rss: Object.fromEntries(
        processesOf(this.fleet).map(([name, pid]) => [name, memoryOf(pid).rss]),
      ),
    };
    this.doneBefore = done;
    this.finalsBefore = finals;
    this.minutes.push(m);
    log(
      `min ${String(n).padStart(2)}: creates ${fmt(m.createsSent)}/${fmt(m.createsOk)}/${fmt(m.createsNon2xx)} ` +
        `(sent/ok/non-2xx), create p50 ${fmt(m.createP50, 1)} p99 ${fmt(m.createP99, 1)} ms (from send ${fmt(m.createSendP99, 1)}), ` +
        `polls ${fmt(m.polls)} p99 ${fmt(m.pollP99, 1)} ms${m.pollsNon2xx ? ` (${m.pollsNon2xx} non-2xx)` : ''}, ` +
        `finished ${fmt(m.finished)}, callbacks ${fmt(m.callbacks)}, vendor calls ${fmt(vendorCalls)}, ` +
        `backlog ${fmt(counts.backlog)}${counts.failed ? `, FAILED ${counts.failed}` : ''}` +
        (Object.keys(w.codes).length ? `, non-2xx by status ${JSON.stringify(w.codes)}` : '') +
        ' | RSS MiB ' +
        Object.entries(m.rss)
          .map(([k, v]) => `${k} ${fmt(v, 1)}`)
          .join(', '),
    );
    return m;
  }
}
