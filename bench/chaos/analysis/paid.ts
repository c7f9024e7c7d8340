/**
 * Paid twice: the vendor stub charges every call it receives (also one whose answer never
 * reached the caller); the ledger (provider_calls) is the app's own record of paid calls.
 */
import { fmt } from '../../support/common';
import { PAID, type Analysis } from './rows';

/** Stages paid twice (judged), paid twice because the answer was lost in flight (reported). */
export async function paidTwice({ s, db, jobOf, accepted, counts, info }: Analysis): Promise<void> {
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
}
