/**
 * The soak's summary: per process the RSS of the first and the last minute and the growth, the
 * spread of the per-minute create p99, the task totals, the callbacks expected vs received. It
 * returns what broke (failed tasks, a backlog that did not drain, missing or unsigned callbacks).
 */
import { fmt } from '../support/common';
import type { Fleet } from './fleet';
import type { SoakLoad } from './load';
import type { Counts, Minute, Monitor } from './minutes';

function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) =>
    r.map((c, i) => (i ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

const spread = (minutes: Minute[], pick: (m: Minute) => number) => {
  const v = minutes.map(pick).filter(Number.isFinite);
  return v.length ? `min ${fmt(Math.min(...v), 1)} / max ${fmt(Math.max(...v), 1)} ms` : 'n/a';
};

/** Prints the summary; answers the problems found (none: the soak held). */
export function printSummary(
  monitor: Monitor,
  fleet: Fleet,
  load: SoakLoad,
  end: Counts,
): string[] {
  const ms = monitor.minutes;
  const first = ms[0];
  const last = ms[ms.length - 1];
  const warnings: Record<string, number> = { api: fleet.api.warnings };
  for (const w of fleet.workers) warnings[w.name] = w.warnings;
  const rows = Object.keys(first.rss).map((name) => {
    const a = first.rss[name];
    const b = last.rss[name];
    const peak = Math.max(...ms.map((m) => m.rss[name]));
    return [
      name,
      fmt(a, 1),
      fmt(b, 1),
      `${b >= a ? '+' : ''}${fmt(((b - a) / a) * 100, 1)} %`,
      fmt(peak, 1),
      name in warnings ? fmt(warnings[name]) : '-',
    ];
  });
  const sum = (pick: (m: Minute) => number) => ms.reduce((s, m) => s + pick(m), 0);
  const codes: Record<number, number> = {};
  for (const m of ms)
    for (const [k, v] of Object.entries(m.codes)) codes[+k] = (codes[+k] ?? 0) + v;
  const expected = load.callbackTasks;
  const received = fleet.receiver.finals;
  console.log(
    `\nsummary (${ms.length} min):\n` +
      table(
        ['process', `RSS min 1 (MiB)`, `RSS min ${last.n} (MiB)`, 'growth', 'peak', 'log warnings'],
        rows,
      ),
  );
  console.log(
    table(
      ['figure', 'value'],
      [
        ['create p99 over the minutes', spread(ms, (m) => m.createP99)],
        ['create p99 from send over the minutes', spread(ms, (m) => m.createSendP99)],
        ['create p50 over the minutes', spread(ms, (m) => m.createP50)],
        ['poll p99 over the minutes', spread(ms, (m) => m.pollP99)],
        [
          'creates sent / ok / non-2xx',
          `${fmt(sum((m) => m.createsSent))} / ${fmt(sum((m) => m.createsOk))} / ${fmt(sum((m) => m.createsNon2xx))}`,
        ],
        ['polls / non-2xx', `${fmt(sum((m) => m.polls))} / ${fmt(sum((m) => m.pollsNon2xx))}`],
        ['non-2xx by status (0: request failed)', JSON.stringify(codes)],
        [
          'tasks total / succeeded / not final',
          `${fmt(end.total)} / ${fmt(end.succeeded)} / ${fmt(end.backlog)}`,
        ],
        ['failed tasks (must be 0)', fmt(end.failed)],
        [
          'vendor stub calls (bench_lookup tasks)',
          `${fmt(monitor.vendorCalls)} (${fmt(load.lookups)} created)`,
        ],
        ['callbacks expected / received (final)', `${fmt(expected)} / ${fmt(received)}`],
        [
          'other callbacks / bad signatures',
          `${fmt(fleet.receiver.others)} / ${fmt(fleet.receiver.badSignatures)}`,
        ],
      ],
    ),
  );
  const problems: string[] = [];
  if (end.failed) problems.push(`${end.failed} task(s) failed or were cancelled`);
  if (end.backlog) problems.push(`${end.backlog} task(s) still not final after the drain`);
  if (received !== expected) {
    problems.push(`${fmt(received)} final callbacks received, ${fmt(expected)} expected`);
  }
  if (fleet.receiver.badSignatures) {
    problems.push(`${fleet.receiver.badSignatures} callback(s) without a valid signature`);
  }
  return problems;
}
