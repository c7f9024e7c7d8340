/**
 * Recovery per fault, from the trigger log: "progress" from the fault's end to the first task
 * anywhere running again; "recovery" until the last affected task ran again (for the receiver
 * outage and the commit/send crash, the callbacks delivered again).
 */
import type { Pool } from 'pg';
import type { Fault, RunState } from '../state';
import { secs, type RecoveryRow } from './rows';
import { firstProgress, onVictim, queuedAt, runningAt, taskRecovery } from './trigger-log';

/** The row of a fault whose affected tasks are `ids` (writes by `exclude` do not count). */
async function taskRow(
  db: Pool,
  f: Fault,
  ids: string[],
  exclude: string | null,
  note: string,
): Promise<RecoveryRow> {
  const r = await taskRecovery(db, ids, f.end, exclude);
  const progress = await firstProgress(db, new Date(f.end), exclude);
  return {
    fault: f,
    affected: ids.length,
    progressMs: progress === null ? null : progress - f.end,
    recoveryMs: r.worst,
    unrecovered: r.unrecovered.length,
    judgedOn: 'recovery',
    note,
  };
}

export async function recoveries(s: RunState): Promise<RecoveryRow[]> {
  const db = s.db;
  const out: RecoveryRow[] = [];
  for (const f of s.faults) {
    const end = new Date(f.end);
    if (f.kind === 'kills' || f.kind === 'commit-crash') {
      const ids = await onVictim(db, end, f.victim!);
      const row = await taskRow(
        db,
        f,
        ids,
        f.victim!,
        `${ids.length} task(s) were running in ${f.victim}`,
      );
      if (f.kind === 'commit-crash') {
        const tasksWorst = row.recoveryMs;
        const hits = f.hits ?? [];
        let cbWorst: number | null = null;
        for (const id of hits) {
          const ok = s.callbacks.find(
            (c) => c.webhookId === id && c.status >= 200 && c.status < 300 && c.at > f.end,
          );
          if (ok) cbWorst = Math.max(cbWorst ?? 0, ok.at - f.end);
          else row.unrecovered++;
        }
        if (cbWorst !== null) row.recoveryMs = Math.max(tasksWorst ?? 0, cbWorst);
        row.affected += hits.length;
        row.note =
          `${f.note}. Recovery: its ${ids.length} running task(s) ran again after ${secs(tasksWorst)}, ` +
          `those callbacks were delivered after ${secs(cbWorst)}`;
      }
      out.push(row);
    } else if (f.kind === 'redis') {
      const ids = await queuedAt(db, end);
      const before = (await queuedAt(db, new Date(f.start - 1))).length;
      const note =
        `${ids.length} task(s) queued when Redis came back (created or waiting during the outage; ` +
        `${before} were already queued before it stopped)`;
      out.push(await taskRow(db, f, ids, null, note));
    } else if (f.kind === 'pg-restart' || f.kind === 'pg-stop') {
      // Nothing can be written while it is down, so the state at its return is the state at
      // its stop (tasks that ended in the instants before the stop are not affected).
      const running = await runningAt(db, end);
      const queued = await queuedAt(db, end);
      const ids = [...new Set([...running, ...queued])];
      const backlog = (await queuedAt(db, new Date(f.start - 1))).length;
      const note =
        `${running.length} task(s) running and ${queued.length} queued when it came back ` +
        `(${backlog} were already queued before it stopped)`;
      out.push(await taskRow(db, f, ids, null, note));
    } else if (f.kind === 'callbacks') {
      const failed = new Set(
        s.callbacks
          .filter((c) => c.status === 503 && c.at >= f.start && c.at <= f.end)
          .map((c) => c.webhookId),
      );
      let first: number | null = null;
      let last: number | null = null;
      let unrecovered = 0;
      for (const id of failed) {
        const ok = s.callbacks.find((c) => c.webhookId === id && c.status === 200 && c.at > f.end);
        if (!ok) {
          unrecovered++;
          continue;
        }
        first = Math.min(first ?? Infinity, ok.at - f.end);
        last = Math.max(last ?? 0, ok.at - f.end);
      }
      out.push({
        fault: f,
        affected: failed.size,
        progressMs: first,
        recoveryMs: last,
        unrecovered,
        judgedOn: 'progress',
        note:
          `${failed.size} callback(s) got a 503; judged on the first of them delivered after the outage ` +
          '(the last one waits for its next slot in CALLBACK_RETRY_SCHEDULE, by design)',
      });
    }
  }
  return out;
}
