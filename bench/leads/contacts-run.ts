/**
 * Contacts through bulk enrichment: CONTACTS contacts in tasks of CHUNK, 1 API + 2 worker
 * processes, Apollo's people/bulk_match at a local stub with a strict sliding quota of
 * QUOTA_PER_MINUTE calls a minute (429 above it) → quota use, 429s, vendor calls vs ⌈n/10⌉, wall
 * time; then the same contacts again (each task's list reversed, new tasks) → vendor calls.
 */
import { apolloBulkMatch, BULK_MATCH_PATH } from '../../test/support/apollo-bulk-match';
import { maxInAnyWindow, VendorStub } from '../../test/support/vendor-stub';
import { rows, verdict } from '../providers/report';
import { AppProcess } from '../support/app-process';
import { fmt, freePort, log, sleep } from '../support/common';
import { API_KEY, appEnv, CHUNK, CONTACTS, database, QUOTA_PER_MINUTE, STALL_MS } from './settings';

/** The stubs the bench started (closed at clean-up, also on failure). */
export const stubs: VendorStub[] = [];

interface Contact {
  email: string;
  external_id: string;
}

interface TaskRow {
  id: string;
  status: string;
  cost_usd: number;
  summary: { enriched: number; vendor_calls: number; cache_hits: number } | null;
  error: unknown;
}

/** `n` contacts, 7 in 10 known to the stub, unique to this run. */
function contactList(n: number): Contact[] {
  const run = Date.now().toString(36);
  return Array.from({ length: n }, (_, i) => ({
    email: `${i % 10 < 7 ? 'known' : 'nobody'}-${run}-${i}@bench.example`,
    external_id: `c-${i}`,
  }));
}

async function submit(api: AppProcess, chunks: Contact[][]): Promise<string[]> {
  const ids: string[] = [];
  for (const contacts of chunks) {
    const res = await fetch(`${api.url}/api/v1/contacts/enrich`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': API_KEY },
      body: JSON.stringify({ contacts }),
    });
    const body = (await res.json()) as { job_id?: string };
    if (res.status !== 202 || !body.job_id) {
      throw new Error(
        `POST /api/v1/contacts/enrich answered ${res.status}: ${JSON.stringify(body)}`,
      );
    }
    ids.push(body.job_id);
  }
  return ids;
}

/** Waits until every task has ended; fails on a failed task, an exited process or a stall. */
async function waitDone(ids: string[], processes: AppProcess[]): Promise<TaskRow[]> {
  let done = -1;
  let since = Date.now();
  for (;;) {
    const { rows: tasks } = await database.db.query<TaskRow>(
      `SELECT id, status, cost_usd::float AS cost_usd, result->'summary' AS summary, error
         FROM tasks WHERE id = ANY($1::uuid[])`,
      [ids],
    );
    const bad = tasks.filter((t) => t.status === 'failed' || t.status === 'cancelled');
    if (bad.length)
      throw new Error(`${bad.length} task(s) failed: ${JSON.stringify(bad[0].error)}`);
    const ok = tasks.filter((t) => t.status === 'succeeded').length;
    if (ok === ids.length) return tasks;
    if (ok !== done) [done, since] = [ok, Date.now()];
    else if (Date.now() - since > STALL_MS)
      throw new Error(`no task ended for ${STALL_MS / 1000} s`);
    const gone = processes.find((p) => p.exitCode !== undefined);
    if (gone) throw new Error(`the ${gone.role} process exited:\n${gone.tail.join('\n')}`);
    await sleep(250);
  }
}

const sum = (tasks: TaskRow[], f: (t: TaskRow) => number) => tasks.reduce((s, t) => s + f(t), 0);

export async function contactsRun(): Promise<void> {
  const stub = await VendorStub.start(apolloBulkMatch, {
    limit: QUOTA_PER_MINUTE,
    windowMs: 60_000,
  });
  stubs.push(stub);
  const base = `${stub.url}/api/v1`;
  log('starting 1 API + 2 worker processes');
  const start = async (role: 'api' | 'worker') =>
    new AppProcess(role, await freePort(), appEnv(role, base)).ready();
  const procs = await Promise.all([start('api'), start('worker'), start('worker')]);
  const api = procs[0];
  const list = contactList(CONTACTS);
  const chunks = Array.from({ length: Math.ceil(list.length / CHUNK) }, (_, i) =>
    list.slice(i * CHUNK, (i + 1) * CHUNK),
  );
  const ideal = Math.ceil(CONTACTS / 10);

  log(`${fmt(CONTACTS)} contacts in ${chunks.length} task(s), quota ${QUOTA_PER_MINUTE}/min`);
  const t0 = Date.now();
  const first = await waitDone(await submit(api, chunks), procs);
  const wall = (Date.now() - t0) / 1000;
  const times = stub.requests
    .filter((r) => r.path === BULK_MATCH_PATH && r.status !== 429)
    .map((r) => r.at)
    .sort((a, b) => a - b);
  const spanMin = (times[times.length - 1] - times[0]) / 60_000;
  const perMinute = times.length > 1 ? (times.length - 1) / spanMin : 0;
  const use = perMinute / QUOTA_PER_MINUTE;
  const peak = maxInAnyWindow(times, 60_000);
  const gaps = times
    .slice(1)
    .map((t, i) => t - times[i])
    .sort((a, b) => a - b);
  const gap = (p: number) => gaps[Math.min(gaps.length - 1, Math.floor(p * gaps.length))] ?? 0;
  const enriched = sum(first, (t) => t.summary?.enriched ?? 0);
  log(
    `${times.length} calls, ${fmt(perMinute, 2)}/min = ${fmt(use * 100, 1)} % of quota; ` +
      `${stub.rejected.length} × 429; wall ${fmt(wall, 1)} s`,
  );
  rows.push(
    {
      metric: 'quota use (calls per minute ÷ quota)',
      value: `${fmt(perMinute, 2)}/min = ${fmt(use * 100, 1)} % of ${QUOTA_PER_MINUTE}/min`,
      goal: '≥ 98 %',
      verdict: verdict(use >= 0.98),
    },
    {
      metric: '429 answers',
      value: String(stub.rejected.length),
      goal: '0',
      verdict: verdict(stub.rejected.length === 0),
    },
    { metric: 'most calls in any 60-s window', value: `${peak} (quota ${QUOTA_PER_MINUTE})` },
    {
      metric: 'time between consecutive calls',
      value: `min ${fmt(gap(0))} / p50 ${fmt(gap(0.5))} / p99 ${fmt(gap(0.99))} / max ${fmt(gap(1))} ms`,
    },
    {
      metric: 'vendor calls vs ⌈n/10⌉',
      value: `${times.length} vs ${ideal}`,
      goal: `${ideal}`,
      verdict: verdict(times.length === ideal),
    },
    {
      metric: 'contacts enriched / cost',
      value: `${enriched} of ${CONTACTS} / $${fmt(
        sum(first, (t) => t.cost_usd),
        2,
      )}`,
    },
    { metric: 'wall time (submit → all done)', value: `${fmt(wall, 1)} s` },
  );

  log('the same contacts again (each task’s list reversed, new tasks)');
  stub.reset();
  const t1 = Date.now();
  const again = await waitDone(
    await submit(
      api,
      chunks.map((c) => [...c].reverse()),
    ),
    procs,
  );
  const wall2 = (Date.now() - t1) / 1000;
  const calls2 = stub.requests.length;
  log(`${calls2} vendor calls, wall ${fmt(wall2, 1)} s`);
  rows.push(
    {
      metric: 're-run: vendor calls',
      value: String(calls2),
      goal: '0',
      verdict: verdict(calls2 === 0),
    },
    {
      metric: 're-run: cache hits / cost',
      value: `${sum(again, (t) => t.summary?.cache_hits ?? 0)} batches / $${fmt(
        sum(again, (t) => t.cost_usd),
        2,
      )}`,
    },
    { metric: 're-run: wall time', value: `${fmt(wall2, 1)} s` },
  );
}
