/** Tasks through the API in batches, the wait for them to end, and their provider-call ledger. */
import { sleep } from '../support/common';
import type { Child } from './child';
import { API_KEY, database, STALL_MS } from './settings';

/** Waits until every task of the batches is final; fails on a failed task or a stall. */
export async function waitDone(
  batchIds: string[],
  expected: number,
  workers: Child[],
): Promise<void> {
  let last = -1;
  let lastChange = Date.now();
  for (;;) {
    const { rows } = await database.db.query(
      `SELECT count(*) FILTER (WHERE status = 'succeeded')::int AS ok,
              count(*) FILTER (WHERE status IN ('failed','cancelled'))::int AS bad
         FROM tasks WHERE batch_id = ANY($1::uuid[])`,
      [batchIds],
    );
    const { ok, bad } = rows[0] as { ok: number; bad: number };
    if (bad) {
      const { rows: errors } = await database.db.query(
        `SELECT error FROM tasks WHERE batch_id = ANY($1::uuid[]) AND status IN ('failed','cancelled') LIMIT 3`,
        [batchIds],
      );
      throw new Error(`${bad} task(s) failed or were cancelled: ${JSON.stringify(errors)}`);
    }
    if (ok >= expected) return;
    if (ok !== last) {
      last = ok;
      lastChange = Date.now();
    } else if (Date.now() - lastChange > STALL_MS) {
      throw new Error(
        `no progress for ${STALL_MS / 1000} s (${ok}/${expected})\n${workers[0].tail.join('\n')}`,
      );
    }
    for (const w of workers) {
      if (w.exitCode !== undefined) throw new Error(`${w.name} exited:\n${w.tail.join('\n')}`);
    }
    await sleep(250);
  }
}

export async function postBatches(api: Child, domains: string[]): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < domains.length; i += 1000) {
    const res = await fetch(`http://127.0.0.1:${api.port}/api/v1/tasks/batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': API_KEY },
      body: JSON.stringify({
        task_name: 'bench_lookup',
        payloads: domains.slice(i, i + 1000).map((domain) => ({ domain })),
      }),
    });
    const body = (await res.json()) as { batch_id?: string };
    if (res.status !== 202 || !body.batch_id) {
      throw new Error(`POST /api/v1/tasks/batch answered ${res.status}: ${JSON.stringify(body)}`);
    }
    ids.push(body.batch_id);
  }
  return ids;
}

export async function ledgerOf(batchIds: string[]): Promise<{ paid: number; hits: number }> {
  const { rows } = await database.db.query(
    `SELECT count(*) FILTER (WHERE NOT c.cached)::int AS paid, count(*) FILTER (WHERE c.cached)::int AS hits
       FROM provider_calls c JOIN tasks t ON t.id = c.task_id WHERE t.batch_id = ANY($1::uuid[])`,
    [batchIds],
  );
  return rows[0] as { paid: number; hits: number };
}
