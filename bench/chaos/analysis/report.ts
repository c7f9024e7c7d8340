/** The chaos run's table: the counts, the recovery per fault, the definitions, the verdict. */
import { fmt } from '../../support/common';
import type { RunState } from '../state';
import { secs, type Report } from './rows';

export function printReport(s: RunState, r: Report): number {
  const o = s.opts;
  const goal = o.recoveryGoal * 1000;
  const line = (cells: string[], widths: number[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  console.log('');
  console.log(
    `RESULTS — ${fmt(s.accepted.size)} tasks (${fmt(
      [...s.accepted.values()].filter((a) => a.spec.kind === 'burst').length,
    )} of them in commit/send-crash bursts), ${o.workers} workers, seed ${o.seed}; load ${fmt(
      (s.loadDoneAt - s.loadStartedAt) / 1000,
    )} s, drain ${fmt((s.drainEndedAt - s.loadDoneAt) / 1000)} s${s.settled ? '' : ' (deadline reached)'}`,
  );
  console.log('');
  const w1 = [46, 7, 5, 7];
  console.log(line(['count', 'value', 'goal', 'verdict'], w1));
  console.log(w1.map((w) => '-'.repeat(w)).join('  '));
  let failed = false;
  for (const c of r.counts) {
    const bad = c.judged && c.value !== 0;
    failed ||= bad;
    console.log(line([c.metric, fmt(c.value), c.judged ? '0' : '', bad ? 'FAIL' : 'ok'], w1));
    if (c.detail) console.log(`    ${c.detail}`);
    for (const e of c.examples) console.log(`      e.g. ${e}`);
  }

  console.log('');
  const w2 = [34, 8, 8, 9, 11, 11, 7];
  console.log(
    line(['recovery after', 'at', 'affected', 'progress', 'recovery', 'goal', 'verdict'], w2),
  );
  console.log(w2.map((w) => '-'.repeat(w)).join('  '));
  let slow = false;
  for (const x of r.recoveries) {
    const judged = x.judgedOn === 'progress' ? x.progressMs : x.recoveryMs;
    const none = x.affected === 0;
    const bad = !none && (x.unrecovered > 0 || judged === null || judged > goal);
    slow ||= bad;
    const rec =
      x.unrecovered > 0
        ? `${x.unrecovered} never`
        : x.recoveryMs === null
          ? '—'
          : secs(x.recoveryMs);
    console.log(
      line(
        [
          x.fault.label,
          `${fmt((x.fault.start - s.loadStartedAt) / 1000)} s`,
          String(x.affected),
          secs(x.progressMs),
          rec + (x.judgedOn === 'progress' ? ' *' : ''),
          `≤ ${o.recoveryGoal} s`,
          none ? 'n/a' : bad ? 'SLOW' : 'ok',
        ],
        w2,
      ),
    );
    if (x.fault.kind !== 'kills') console.log(`    ${x.note}`);
  }
  const kills = r.recoveries.filter((x) => x.fault.kind === 'kills' && x.affected > 0);
  if (kills.length) {
    const times = kills.map((x) => x.recoveryMs ?? Infinity).sort((a, b) => a - b);
    const over = kills.filter((x) => x.unrecovered > 0 || (x.recoveryMs ?? Infinity) > goal).length;
    console.log(
      `kills with tasks in flight: ${kills.length}; recovery median ${secs(times[Math.floor(times.length / 2)])}, ` +
        `max ${Number.isFinite(times[times.length - 1]) ? secs(times[times.length - 1]) : 'never'}; ${over} over the goal`,
    );
  }
  console.log('');
  console.log(
    'Definitions. "at": fault start after the load began. A fault "ends" when the process is killed (kills),\n' +
      'when Redis / PostgreSQL answer again, when the receiver answers 200 again. "progress": from the end\n' +
      'to the first task anywhere starting an attempt, writing a checkpoint or ending (for a kill: in\n' +
      'another process). "recovery": from the end until the LAST affected task has run again the same way —\n' +
      'affected = the tasks running in the killed process; the tasks queued (and due) when Redis came back;\n' +
      'the tasks running when PostgreSQL stopped plus those queued when it came back; for the commit/send\n' +
      'crash also the callbacks committed without a job (until delivered). "N never": affected tasks that\n' +
      'had not run again by the end. * receiver 503: judged on "progress" = the first callback that had\n' +
      'failed during the outage delivered after it; "recovery" = the last one (paced by the retry schedule).\n' +
      '"stage run twice" = a stage checkpoint written again after it was written once (the trigger log), or\n' +
      'a result whose stage output differs from the first checkpoint; a stage interrupted before its\n' +
      'checkpoint and run again is by design and not counted. "paid twice" = two vendor calls for one\n' +
      '(task, stage) at the stub, or two paid provider_calls rows.',
  );
  console.log('');
  for (const i of r.info) console.log(`- ${i}`);
  console.log('');
  const slowFails = slow && o.failOnSlowRecovery;
  if (slow && !o.failOnSlowRecovery)
    console.log('slow recoveries reported, not failing (--no-fail-on-slow-recovery)');
  console.log(
    failed || slowFails
      ? `FAIL: ${failed ? 'a count is not 0' : ''}${failed && slow ? '; ' : ''}${slow ? `a recovery exceeds ${o.recoveryGoal} s or never happened` : ''}`
      : 'PASS: every count is 0 and every recovery is within the goal',
  );
  return failed || slowFails ? 1 : 0;
}
