/**
 * The chaos run's verdict: counts read from the harness's own PostgreSQL (tasks, the trigger log
 * chaos_task_events, provider_calls, callback_deliveries), the vendor stub's and the receiver's
 * records and the client's answers; recovery times per fault from the trigger log. One check per
 * property: tasks.ts, paid.ts, callbacks.ts, availability.ts; recovery.ts.
 */
import type { RunState } from '../state';
import { clientInfo, processExits, serverErrors } from './availability';
import { callbackCounts, callbackInfo, invalidSignatures } from './callbacks';
import { paidTwice } from './paid';
import { recoveries } from './recovery';
import type { Analysis, Report, TaskRow } from './rows';
import { attemptsInfo, endedFailed, lostOrStuck, stagesRunTwice } from './tasks';

export async function analyse(s: RunState): Promise<Report> {
  const db = s.db;
  const { rows: tasks } = await db.query<TaskRow>(
    'SELECT id, external_id, type, status, attempts, stage, result, error FROM tasks',
  );
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const a: Analysis = {
    s,
    db,
    tasks,
    byId,
    jobOf: (id: string) => byId.get(id)?.external_id ?? id,
    accepted: [...s.accepted.values()],
    counts: [],
    info: [],
  };
  // In the order of the table (counts) and of the information lines.
  lostOrStuck(a);
  endedFailed(a);
  await stagesRunTwice(a);
  await paidTwice(a);
  callbackCounts(a);
  serverErrors(a);
  invalidSignatures(a);
  processExits(a);
  await callbackInfo(a);
  clientInfo(a);
  attemptsInfo(a);
  return { counts: a.counts, info: a.info, recoveries: await recoveries(s) };
}
