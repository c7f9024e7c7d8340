import { writeCsvAtomic } from '../csv';
import { outputRow } from '../accounts-enrich/output';
import { ApiClient, ApiError, oneLineError } from '../api-client';
import { CliError, EXIT } from '../io';
import { TaskDetail, taskError } from '../task-wait';
import { CONTACT_RESULT_KEYS, ResultContact, resultCells } from './columns';
import { chunkBody, ContactPlan, ContactRow } from './plan';

/*
 * One chunk of rows through `POST /api/v1/contacts/enrich`, and what its task's result makes of
 * each row; the output file.
 */

export const ENRICH_PATH = '/api/v1/contacts/enrich';

/** `contacts[12].email` → 12, `email`. */
const FIELD = /^contacts\[(\d+)\]\.?(.*)$/;

/** Per row index of the chunk, the API's complaints about it (from a 400's field errors). */
function complaints(err: ApiError, size: number): Map<number, string[]> {
  const out = new Map<number, string[]>();
  for (const e of err.problem.errors ?? []) {
    const m = FIELD.exec(e.field);
    const i = m ? Number(m[1]) : -1;
    if (i < 0 || i >= size) return new Map();
    out.set(i, [...(out.get(i) ?? []), m![2] ? `${m![2]}: ${e.message}` : e.message]);
  }
  return out;
}

/**
 * Posts a chunk's contacts (`extra`: dry_run, budget_usd). Rows the API refuses (a 400 naming
 * `contacts[i]`) become `rejected` with its words and the others are sent again, until the API
 * takes them or none is left (null). A 400 that names no row rejects them all. A real run sends an
 * Idempotency-Key made of exactly the body: sent again (a re-run), it brings back the same task.
 */
export async function postChunk<T>(
  client: ApiClient,
  rows: ContactRow[],
  opts: { dryRun?: boolean; budgetUsd?: number },
): Promise<{ rows: ContactRow[]; body: T } | null> {
  let left = rows;
  while (left.length) {
    const { body, key } = chunkBody(left, opts.budgetUsd);
    try {
      const res = opts.dryRun
        ? await client.post<T>(ENRICH_PATH, { ...body, dry_run: true })
        : await client.post<T>(ENRICH_PATH, body, { idempotencyKey: key });
      return { rows: left, body: res.body };
    } catch (err) {
      if (err instanceof ApiError && err.status === 413) {
        throw new CliError(
          `the server refused ${left.length} contacts in one request as too large (HTTP 413): use a smaller --chunk`,
          EXIT.failure,
        );
      }
      if (!(err instanceof ApiError) || err.status !== 400) throw err;
      const bad = complaints(err, left.length);
      if (!bad.size) {
        for (const r of left) Object.assign(r, { status: 'rejected', error: oneLineError(err) });
        return null;
      }
      bad.forEach((m, i) => Object.assign(left[i], { status: 'rejected', error: m.join('; ') }));
      left = left.filter((_, i) => !bad.has(i));
    }
  }
  return null;
}

/**
 * Each row's status, reason and result cells from its chunk's finished task: the contact's own
 * (`enriched`, `unenriched` with the reason), or — for a failed or cancelled task — the task's end,
 * except for the contacts its partial result had done.
 */
export function applyOutcome(task: TaskDetail, rows: ContactRow[]): void {
  const result = task.result as { contacts?: ResultContact[] } | null | undefined;
  const contacts = result?.contacts?.length === rows.length ? result.contacts : undefined;
  rows.forEach((row, i) => {
    const c = contacts?.[i];
    const done = c && (task.status === 'succeeded' || c.reason !== 'not_attempted');
    row.results = c ? resultCells(c) : undefined;
    if (done) {
      row.status = c.status;
      row.error = c.reason ?? '';
    } else {
      row.status = task.status === 'succeeded' ? 'failed' : task.status;
      row.error = taskError(task) || 'the task has no result for this contact';
    }
  });
}

/** Writes every row sent or done before, in input order (rows not sent yet are left out). */
export function saveContacts(file: string, plan: ContactPlan): void {
  const rows = plan.rows.filter((r) => r.previous || r.status);
  writeCsvAtomic(
    file,
    plan.outHeader,
    rows.map((r) => outputRow(r, CONTACT_RESULT_KEYS.length)),
  );
}
