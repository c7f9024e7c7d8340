/**
 * The chaos run's verdict: counts read from the harness's own PostgreSQL (tasks, the trigger log
 * chaos_task_events, provider_calls, callback_deliveries), the vendor stub's and the receiver's
 * records and the client's answers; recovery times per fault from the trigger log.
 */
import type { Pool } from 'pg';
import type { Fault, RunState } from './chaos';

/** A provider_calls row of a call the vendor answered (not a cache hit, not a failure). */
const PAID = `(NOT cached AND outcome IN ('ok', 'not_found'))`;

const fmt = (n: number, d = 0) =>
  n.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
const secs = (ms: number | null) => (ms === null ? '—' : `${fmt(ms / 1000, 1)} s`);

interface CountRow {
  metric: string;
  value: number;
  detail: string;
  /** false: reported, not judged. */
  judged: boolean;
  examples: string[];
}

interface RecoveryRow {
  fault: Fault;
  affected: number;
  /** Fault end → the first task (or callback) making progress after it; null = none. */
  progressMs: number | null;
  /** Fault end → the last affected task (or callback) running again; null when none affected. */
  recoveryMs: number | null;
  unrecovered: number;
  /** Which of the two is held against the goal. */
  judgedOn: 'recovery' | 'progress';
  note: string;
}

export interface Report {
  counts: CountRow[];
  info: string[];
  recoveries: RecoveryRow[];
}

interface TaskRow {
  id: string;
  external_id: string | null;
  type: string;
  status: string;
  attempts: number;
  stage: string | null;
  result: any;
  error: any;
}

// ---- trigger-log queries ------------------------------------------------------------------------

/** Tasks whose attempt ran in `victim` and were still running when it was killed at `at`. */
async function onVictim(db: Pool, at: Date, victim: string): Promise<string[]> {
  const { rows } = await db.query<{ task_id: string }>(
    `WITH st AS (
       SELECT DISTINCT ON (task_id) task_id, status FROM chaos_task_events
        WHERE at <= $1 ORDER BY task_id, at DESC, id DESC
     ), claim AS (
       SELECT DISTINCT ON (task_id) task_id, app FROM chaos_task_events
        WHERE at <= $1 AND op = 'U' AND attempts > old_attempts ORDER BY task_id, at DESC, id DESC
     )
     SELECT st.task_id FROM st JOIN claim USING (task_id) WHERE st.status = 'running' AND claim.app = $2`,
    [at, victim],
  );
  return rows.map((r) => r.task_id);
}

/** Tasks queued and due at `at` (a scheduled retry is not due yet). */
async function queuedAt(db: Pool, at: Date): Promise<string[]> {
  const { rows } = await db.query<{ task_id: string }>(
    `SELECT task_id FROM (
       SELECT DISTINCT ON (task_id) task_id, status, next_attempt_at FROM chaos_task_events
        WHERE at <= $1 ORDER BY task_id, at DESC, id DESC) st
      WHERE status = 'queued' AND (next_attempt_at IS NULL OR next_attempt_at <= $1)`,
    [at],
  );
  return rows.map((r) => r.task_id);
}

async function runningAt(db: Pool, at: Date): Promise<string[]> {
  const { rows } = await db.query<{ task_id: string }>(
    `SELECT task_id FROM (
       SELECT DISTINCT ON (task_id) task_id, status FROM chaos_task_events
        WHERE at <= $1 ORDER BY task_id, at DESC, id DESC) st
      WHERE status = 'running'`,
    [at],
  );
  return rows.map((r) => r.task_id);
}

/**
 * "Runs again": an attempt starts (attempts +1), a stage checkpoint is written, or the task ends
 * for good (succeeded, cancelled, or failed with nothing after it). Writes by `exclude` (a killed
 * process) do not count, except a final status.
 */
const RUNS = `(
  ((e.attempts > e.old_attempts OR e.ckpt IS NOT NULL) AND ($3::text IS NULL OR e.app IS DISTINCT FROM $3))
  OR (e.status IN ('succeeded','cancelled') AND e.old_status IS DISTINCT FROM e.status)
  OR (e.status = 'failed' AND e.old_status IS DISTINCT FROM 'failed'
      AND NOT EXISTS (SELECT 1 FROM chaos_task_events l WHERE l.task_id = e.task_id AND l.id > e.id))
)`;

async function firstRuns(
  db: Pool,
  ids: string[],
  after: Date,
  exclude: string | null,
): Promise<Map<string, number>> {
  if (!ids.length) return new Map();
  const { rows } = await db.query<{ task_id: string; at: Date }>(
    `SELECT e.task_id, min(e.at) AS at FROM chaos_task_events e
      WHERE e.task_id = ANY($1::uuid[]) AND e.at > $2 AND ${RUNS} GROUP BY e.task_id`,
    [ids, after, exclude],
  );
  return new Map(rows.map((r) => [r.task_id, r.at.getTime()]));
}

async function firstProgress(
  db: Pool,
  after: Date,
  exclude: string | null,
): Promise<number | null> {
  const { rows } = await db.query<{ at: Date | null }>(
    `SELECT min(e.at) AS at FROM chaos_task_events e
      WHERE e.at > $2 AND ${RUNS} AND $1::int = 1`,
    [1, after, exclude],
  );
  return rows[0]?.at ? rows[0].at.getTime() : null;
}

async function taskRecovery(
  db: Pool,
  ids: string[],
  end: number,
  exclude: string | null,
): Promise<{ worst: number | null; unrecovered: string[] }> {
  const runs = await firstRuns(db, ids, new Date(end), exclude);
  let worst: number | null = null;
  const unrecovered: string[] = [];
  for (const id of ids) {
    const at = runs.get(id);
    if (at === undefined) unrecovered.push(id);
    else worst = Math.max(worst ?? 0, at - end);
  }
  return { worst, unrecovered };
}

// ---- recovery per fault ---------------------------------------------------------------------------

async function recoveries(s: RunState): Promise<RecoveryRow[]> {
  const db = s.db;
  const out: RecoveryRow[] = [];
  for (const f of s.faults) {
    const end = new Date(f.end);
    if (f.kind === 'kills' || f.kind === 'commit-crash') {
      const ids = await onVictim(db, end, f.victim!);
      const r = await taskRecovery(db, ids, f.end, f.victim!);
      const progress = await firstProgress(db, end, f.victim!);
      let worst = r.worst;
      let unrecovered = r.unrecovered.length;
      let note = `${ids.length} task(s) were running in ${f.victim}`;
      if (f.kind === 'commit-crash') {
        const hits = f.hits ?? [];
        let cbWorst: number | null = null;
        for (const id of hits) {
          const ok = s.callbacks.find(
            (c) => c.webhookId === id && c.status >= 200 && c.status < 300 && c.at > f.end,
          );
          if (ok) cbWorst = Math.max(cbWorst ?? 0, ok.at - f.end);
          else unrecovered++;
        }
        if (cbWorst !== null) worst = Math.max(worst ?? 0, cbWorst);
        note =
          `${f.note}. Recovery: its ${ids.length} running task(s) ran again after ${secs(r.worst)}, ` +
          `those callbacks were delivered after ${secs(cbWorst)}`;
      }
      out.push({
        fault: f,
        affected: ids.length + (f.hits?.length ?? 0),
        progressMs: progress === null ? null : progress - f.end,
        recoveryMs: worst,
        unrecovered,
        judgedOn: 'recovery',
        note,
      });
    } else if (f.kind === 'redis') {
      const ids = await queuedAt(db, end);
      const r = await taskRecovery(db, ids, f.end, null);
      const progress = await firstProgress(db, end, null);
      out.push({
        fault: f,
        affected: ids.length,
        progressMs: progress === null ? null : progress - f.end,
        recoveryMs: r.worst,
        unrecovered: r.unrecovered.length,
        judgedOn: 'recovery',
        note:
          `${ids.length} task(s) queued when Redis came back (created or waiting during the outage; ` +
          `${(await queuedAt(db, new Date(f.start - 1))).length} were already queued before it stopped)`,
      });
    } else if (f.kind === 'pg-restart' || f.kind === 'pg-stop') {
      // Nothing can be written while it is down, so the state at its return is the state at
      // its stop (tasks that ended in the instants before the stop are not affected).
      const running = await runningAt(db, end);
      const queued = await queuedAt(db, end);
      const ids = [...new Set([...running, ...queued])];
      const r = await taskRecovery(db, ids, f.end, null);
      const progress = await firstProgress(db, end, null);
      const backlog = (await queuedAt(db, new Date(f.start - 1))).length;
      out.push({
        fault: f,
        affected: ids.length,
        progressMs: progress === null ? null : progress - f.end,
        recoveryMs: r.worst,
        unrecovered: r.unrecovered.length,
        judgedOn: 'recovery',
        note:
          `${running.length} task(s) running and ${queued.length} queued when it came back ` +
          `(${backlog} were already queued before it stopped)`,
      });
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

// ---- counts -------------------------------------------------------------------------------------

export async function analyse(s: RunState): Promise<Report> {
  const db = s.db;
  const info: string[] = [];
  const counts: CountRow[] = [];
  const { rows: tasks } = await db.query<TaskRow>(
    'SELECT id, external_id, type, status, attempts, stage, result, error FROM tasks',
  );
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const jobOf = (id: string) => byId.get(id)?.external_id ?? id;
  const accepted = [...s.accepted.values()];

  // Lost or stuck.
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

  // Stages run twice: a stage's checkpoint written again after it was written once (the trigger
  // log), or a final result whose stage output is not the one first checkpointed.
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

  // Paid twice: the vendor stub charges every call it receives (also one whose answer never
  // reached the caller); the ledger is the app's own record of paid calls.
  const calls = new Map<string, typeof s.stub.requests>();
  for (const r of s.stub.requests) {
    const d = String((r.body as { domain?: string } | undefined)?.domain ?? '');
    calls.set(d, [...(calls.get(d) ?? []), r]);
  }
  const twiceAtStub = [...calls.entries()].filter(([, rs]) => rs.length > 1);
  const { rows: paidRows } = await db.query<{ task_id: string; stage: string; n: number }>(
    `SELECT task_id, stage, count(*)::int AS n FROM provider_calls
      WHERE ${PAID} AND task_id IS NOT NULL GROUP BY 1, 2`,
  );
  const paidByStage = new Map(paidRows.map((r) => [`${r.task_id}|${r.stage}`, r.n]));
  const ledgerTwice = paidRows.filter((r) => r.n > 1);
  const twice = new Set<string>();
  const examples: string[] = [];
  let unrecorded = 0;
  for (const [domain, rs] of twiceAtStub) {
    const who = s.domains.get(domain);
    const key = who ? `${who.jobId}|${who.stage}` : domain;
    twice.add(key);
    const taskId = who ? s.accepted.get(who.jobId)?.taskId : undefined;
    const recorded = taskId ? (paidByStage.get(`${taskId}|${who!.stage}`) ?? 0) : 0;
    if (recorded < rs.length) unrecorded++;
    examples.push(
      `${who?.jobId ?? domain} stage ${who?.stage ?? '?'}: ${rs.length} vendor calls by ` +
        rs
          .map(
            (r) =>
              `${s.pids.get(Number(r.headers['x-caller-pid'])) ?? r.headers['x-caller-pid']}${r.aborted ? ' (connection cut before the answer)' : ''}`,
          )
          .join(', ') +
        `; ${recorded} paid row(s) in provider_calls`,
    );
  }
  for (const r of ledgerTwice) {
    const key = `${jobOf(r.task_id)}|${r.stage}`;
    if (!twice.has(key))
      examples.push(`${jobOf(r.task_id)} stage ${r.stage}: ${r.n} paid ledger rows`);
    twice.add(key);
  }
  const { rows: ledger } = await db.query<{ paid: number; hits: number; failed: number }>(
    `SELECT count(*) FILTER (WHERE ${PAID})::int AS paid, count(*) FILTER (WHERE cached)::int AS hits,
            count(*) FILTER (WHERE NOT cached AND NOT ${PAID})::int AS failed
       FROM provider_calls`,
  );
  // A stage paid twice because its worker was killed while the answer was on its way (the
  // vendor charged, the answer never reached PostgreSQL) cannot be avoided by any client without
  // the vendor's help (an idempotency key); it is reported. Paying again for an answer the app
  // had recorded is a bug, and is judged.
  const lostInFlight = unrecorded;
  counts.push({
    metric: 'paid vendor calls made twice for one stage (recorded answer paid again)',
    value: twice.size - lostInFlight,
    detail: ledgerTwice.length ? `${ledgerTwice.length} with two paid rows in provider_calls` : '',
    judged: true,
    examples: examples.slice(0, 5),
  });
  counts.push({
    metric: 'paid twice: worker killed between the vendor answer and its record',
    value: lostInFlight,
    detail: lostInFlight
      ? `${unrecorded} stage(s) with fewer paid provider_calls rows than vendor calls: the answer was ` +
        'lost with the process; only a vendor idempotency key could avoid the second charge'
      : '',
    judged: false,
    examples: [],
  });
  const probeTasks = accepted.filter((a) => a.spec.kind === 'probe').length;
  info.push(
    `vendor stub: ${fmt(s.stub.requests.length)} charged calls for ${fmt(probeTasks)} provider_probe tasks ` +
      `(${fmt(probeTasks * 2)} stages); provider_calls: ${fmt(ledger[0].paid)} paid rows, ${fmt(ledger[0].hits)} cache hits ` +
      `(a stage interrupted after its paid call, resumed without paying again), ${fmt(ledger[0].failed)} failed calls`,
  );

  // Callbacks.
  const ok = (c: { status: number }) => c.status >= 200 && c.status < 300;
  const delivered = new Set(s.callbacks.filter(ok).map((c) => `${c.taskId}|${c.event}`));
  const finals = tasks.filter((t) => !['queued', 'running'].includes(t.status));
  const missing = finals.filter((t) => !delivered.has(`${t.id}|task.${t.status}`));
  counts.push({
    metric: 'callbacks missing (final task, none delivered)',
    value: missing.length,
    detail: missing.length ? `of ${fmt(finals.length)} final tasks` : '',
    judged: true,
    examples: missing.slice(0, 5).map((t) => `${t.external_id ?? t.id} (${t.status})`),
  });

  const ids = new Map<string, Set<string>>();
  for (const c of s.callbacks) {
    const key = `${c.taskId}|${c.event}|${c.page ?? ''}`;
    ids.set(key, (ids.get(key) ?? new Set()).add(c.webhookId));
  }
  const twoIds = [...ids.entries()].filter(([, v]) => v.size > 1);
  counts.push({
    metric: 'events sent under two different webhook-ids',
    value: twoIds.length,
    detail: '',
    judged: true,
    examples: twoIds
      .slice(0, 5)
      .map(([k, v]) => `${jobOf(k.split('|')[0])} ${k.split('|')[1]}: ${[...v].join(', ')}`),
  });

  const outage503 = s.http.fiveXX.filter((p) => p.dependency);
  const fiveXX = s.http.fiveXX.filter((p) => !p.dependency);
  // The fault that started last before the answer, if it ended less than 10 s before it.
  const windowOf = (at: number) => {
    const f = s.faults
      .filter((x) => x.start - 1000 <= at && at <= x.end + 10_000)
      .sort((a, b) => b.start - a.start)[0];
    return f ? f.kind : 'outside any fault';
  };
  const by = new Map<string, number>();
  for (const p of fiveXX) {
    const k = `${p.status} ${p.what} (${windowOf(p.at)})`;
    by.set(k, (by.get(k) ?? 0) + 1);
  }
  counts.push({
    metric: '5xx answers seen by the client (other than the documented 503)',
    value: fiveXX.length,
    detail: [...by].map(([k, n]) => `${n}× ${k}`).join('; '),
    judged: true,
    examples: fiveXX.slice(0, 3).map((p) => `${p.status} ${p.what}: ${p.detail}`),
  });
  counts.push({
    metric: '503 + Retry-After naming a dependency that was down',
    value: outage503.length,
    detail: [...new Set(outage503.map((p) => `${p.dependency} (${windowOf(p.at)})`))].join('; '),
    judged: false,
    examples: [],
  });

  const badSig = s.callbacks.filter((c) => !c.signatureOk);
  counts.push({
    metric: 'callbacks with an invalid signature',
    value: badSig.length,
    detail: '',
    judged: true,
    examples: badSig.slice(0, 3).map((c) => `${c.webhookId} ${c.event}`),
  });
  if (s.startupFailures.length) {
    info.push(
      `${s.startupFailures.length} process start(s) failed because a dependency was down (by design; started again): ` +
        s.startupFailures.map((e) => e.name).join(', '),
    );
  }
  counts.push({
    metric: 'app processes that exited unasked',
    value: s.exits.length,
    detail: s.exits.map((e) => `${e.name} (${e.exit})`).join(', '),
    judged: true,
    examples: s.exits.slice(0, 2).map((e) => `${e.name}: …${e.tail.slice(-400)}`),
  });

  // Information.
  const webhookSeen = new Map<string, number>();
  for (const c of s.callbacks.filter(ok))
    webhookSeen.set(c.webhookId, (webhookSeen.get(c.webhookId) ?? 0) + 1);
  const redelivered = [...webhookSeen.values()].filter((n) => n > 1).length;
  const multiFinal = new Map<string, Set<string>>();
  for (const c of s.callbacks.filter(ok)) {
    multiFinal.set(c.taskId, (multiFinal.get(c.taskId) ?? new Set()).add(c.event));
  }
  const twoEnds = [...multiFinal.values()].filter((v) => v.size > 1).length;
  const { rows: outbox } = await db.query<{ status: string; n: number }>(
    'SELECT status, count(*)::int AS n FROM callback_deliveries GROUP BY 1 ORDER BY 1',
  );
  info.push(
    `callbacks: ${fmt(s.callbacks.length)} received, ${fmt(s.callbacks.filter((c) => c.status === 503).length)} answered 503; ` +
      `${redelivered} webhook-id(s) delivered more than once (at-least-once, allowed); ` +
      `${twoEnds} task(s) announced with two different final events; outbox: ` +
      outbox.map((r) => `${r.n} ${r.status}`).join(', '),
  );
  const statuses = [...s.http.byStatus].sort(([a], [b]) => a - b);
  info.push(
    `client: ${fmt(s.http.requests)} requests (${statuses.map(([k, n]) => `${fmt(n)}× ${k}`).join(', ')}), ` +
      `${s.http.network.length} network errors/timeouts, ${s.gaveUp.length} create(s) never accepted by the end`,
  );
  const attempts = new Map<number, number>();
  for (const t of tasks) attempts.set(t.attempts, (attempts.get(t.attempts) ?? 0) + 1);
  info.push(
    `attempts per task: ${[...attempts]
      .sort(([a], [b]) => a - b)
      .map(([a, n]) => `${fmt(n)}× ${a}`)
      .join(', ')}`,
  );

  return { counts, info, recoveries: await recoveries(s) };
}

// ---- output -------------------------------------------------------------------------------------

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
