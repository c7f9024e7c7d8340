/** The checks on the tasks themselves: none lost or stuck, none failed, no stage run twice. */
import { fmt } from '../../support/common';
import type { Analysis } from './rows';

/** Tasks accepted but missing, or not final at the end. */
export function lostOrStuck({ s, tasks, byId, accepted, counts }: Analysis): void {
  const lost = accepted.filter((a) => !byId.has(a.taskId));
  const open = tasks.filter((t) => t.status === 'queued' || t.status === 'running');
  counts.push({
    metric: 'tasks lost or stuck (not final at the end)',
    value: lost.length + open.length,
    detail:
      `${lost.length} accepted but missing, ${open.filter((t) => t.status === 'queued').length} queued, ` +
      `${open.filter((t) => t.status === 'running').length} running ` +
      `(of ${fmt(tasks.length)} tasks; end = ${s.settled ? 'all settled' : `drain deadline, ${s.opts.drain} s`})`,
    judged: true,
    examples: [
      ...lost.slice(0, 3).map((a) => `missing: ${a.spec.jobId} (${a.taskId})`),
      ...open
        .slice(0, 5)
        .map(
          (t) => `${t.external_id ?? t.id}: ${t.status}, attempt ${t.attempts}, stage ${t.stage}`,
        ),
    ],
  });
}

/** Tasks that ended failed or cancelled (none should), by status and error code. */
export function endedFailed({ tasks, counts }: Analysis): void {
  const failed = tasks.filter((t) => t.status === 'failed' || t.status === 'cancelled');
  const codes = new Map<string, number>();
  for (const t of failed) {
    const c = `${t.status}:${t.error?.code ?? '?'}`;
    codes.set(c, (codes.get(c) ?? 0) + 1);
  }
  counts.push({
    metric: 'tasks ended failed or cancelled (none should)',
    value: failed.length,
    detail: failed.length ? [...codes].map(([c, n]) => `${n} ${c}`).join(', ') : '',
    judged: true,
    examples: failed
      .slice(0, 3)
      .map(
        (t) => `${t.external_id}: ${t.error?.code} ${String(t.error?.message ?? '').slice(0, 120)}`,
      ),
  });
}

/**
 * Stages run twice: a stage's checkpoint written again after it was written once (the trigger
 * log), or a final result whose stage output is not the one first checkpointed.
 */
export async function stagesRunTwice({ db, tasks, jobOf, counts }: Analysis): Promise<void> {
  const { rows: rewrites } = await db.query<{
    task_id: string;
    stage: string;
    writes: number;
    apps: string[];
    attempts: number[];
  }>(
    `SELECT e.task_id, k.key AS stage, count(*)::int AS writes,
            array_agg(e.app ORDER BY e.id) AS apps, array_agg(e.attempts ORDER BY e.id) AS attempts
       FROM chaos_task_events e CROSS JOIN LATERAL jsonb_object_keys(e.ckpt) AS k(key)
      GROUP BY 1, 2 HAVING count(*) > 1`,
  );
  const { rows: firstCkpt } = await db.query<{ task_id: string; stage: string; output: any }>(
    `SELECT DISTINCT ON (e.task_id, k.key) e.task_id, k.key AS stage, e.ckpt -> k.key -> 'output' AS output
       FROM chaos_task_events e CROSS JOIN LATERAL jsonb_object_keys(e.ckpt) AS k(key)
      ORDER BY e.task_id, k.key, e.id`,
  );
  const first = new Map(firstCkpt.map((r) => [`${r.task_id}|${r.stage}`, r.output]));
  const reruns = new Map<string, string>();
  for (const r of rewrites) {
    reruns.set(
      `${r.task_id}|${r.stage}`,
      `${jobOf(r.task_id)} stage ${r.stage}: checkpoint written ${r.writes}× by ${r.apps.join(', ')} (attempts ${r.attempts.join(', ')})`,
    );
  }
  let resultMismatches = 0;
  for (const t of tasks) {
    if (t.status !== 'succeeded' || !t.result) continue;
    const stages: Array<[string, number | undefined]> =
      t.type === 'diagnostic'
        ? ((t.result.stages ?? []) as Array<{ name: string; ran_on_attempt: number }>).map((x) => [
            x.name,
            x.ran_on_attempt,
          ])
        : t.type === 'provider_probe'
          ? Object.entries(t.result as Record<string, { attempt?: number }>).map(([k, v]) => [
              k,
              v?.attempt,
            ])
          : [];
    for (const [stage, ran] of stages) {
      const f = first.get(`${t.id}|${stage}`);
      if (f === undefined) continue;
      const firstRan = t.type === 'diagnostic' ? f?.ran_on_attempt : f?.attempt;
      if (ran !== firstRan && !reruns.has(`${t.id}|${stage}`)) {
        resultMismatches++;
        reruns.set(
          `${t.id}|${stage}`,
          `${jobOf(t.id)} stage ${stage}: result says attempt ${ran}, first checkpoint attempt ${firstRan}`,
        );
      }
    }
  }
  counts.push({
    metric: 'stages run twice (after their checkpoint)',
    value: reruns.size,
    detail: reruns.size
      ? `${rewrites.length} checkpoint rewrite(s), ${resultMismatches} result(s) not matching the first checkpoint`
      : '',
    judged: true,
    examples: [...reruns.values()].slice(0, 5),
  });
}

/** How many tasks took how many attempts. */
export function attemptsInfo({ tasks, info }: Analysis): void {
  const attempts = new Map<number, number>();
  for (const t of tasks) attempts.set(t.attempts, (attempts.get(t.attempts) ?? 0) + 1);
  info.push(
    `attempts per task: ${[...attempts]
      .sort(([a], [b]) => a - b)
      .map(([a, n]) => `${fmt(n)}× ${a}`)
      .join(', ')}`,
  );
}
