import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { ApiError, ApiClient, oneLineError } from '../api-client';
import { escapeFormula, readCsv, writeCsvAtomic } from '../csv';
import { CliError, EXIT } from '../io';
import type { Progress } from '../progress';
import { taskError, waitForTask } from '../task-wait';
import { columnKey } from '../../common/csv-columns';

/** Columns `assay emails verify` adds after the input's. */
export const VERIFY_COLUMNS = [
  'verify_status',
  'verify_score',
  'verify_reasons',
  'verify_catch_all',
  'verify_provider',
  'verify_error',
];
const EMAIL_COLUMNS = ['email', 'email_address', 'address', 'work_email', 'e_mail', 'mail'];
/** A light check before sending (the API validates each address too). */
const LOOKS_LIKE_EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

interface Verdict {
  email: string;
  status: string;
  score: number;
  reasons: string[];
  catch_all: boolean | null;
  provider: string | null;
}

export interface VerifyPlan {
  header: string[];
  rows: string[][];
  emailAt: number;
  /** Output rows of an earlier run that finished, by the input row's (escaped) cells. */
  done: Map<string, string[]>;
  /** Addresses still to verify (lower-cased, unique). */
  todo: string[];
}

/** An input row's key in an output file, whose cells were written formula-escaped. */
export const rowKey = (cells: string[]) => JSON.stringify(cells.map(escapeFormula));

export function planVerify(input: string, output: string | undefined, column?: string): VerifyPlan {
  const table = readCsv(input);
  const emailAt = column
    ? table.header.indexOf(column)
    : table.header.findIndex((h) => EMAIL_COLUMNS.includes(columnKey(h)));
  if (emailAt < 0)
    throw new CliError(
      column
        ? `${basename(input)} has no column "${column}"`
        : `${basename(input)} has no email column (email, email_address, …): name it with --column`,
      EXIT.usage,
    );
  const done = new Map<string, string[]>();
  if (output && existsSync(output)) {
    const prev = readCsv(output);
    const errAt = prev.header.indexOf('verify_error');
    const statusAt = prev.header.indexOf('verify_status');
    for (const r of prev.rows)
      if (errAt >= 0 && r[errAt] === '' && r[statusAt] !== '')
        done.set(rowKey(r.slice(0, table.header.length)), r);
  }
  const todo = new Set<string>();
  for (const r of table.rows) {
    const email = r[emailAt].trim().toLowerCase();
    if (!done.has(rowKey(r)) && LOOKS_LIKE_EMAIL.test(email)) todo.add(email);
  }
  return { header: table.header, rows: table.rows, emailAt, done, todo: [...todo] };
}

/**
 * Verifies the plan's addresses in `email_verification` tasks of `chunk` addresses, one after
 * another (each with an Idempotency-Key of its addresses, so a re-run after Ctrl-C waits for the
 * same task), and writes the output (input columns + VERIFY_COLUMNS) at the end.
 */
export async function runVerify(
  client: ApiClient,
  signal: AbortSignal,
  plan: VerifyPlan,
  progress: Progress,
  opts: { output: string; chunk: number; pollMs: number },
): Promise<{ counts: Record<string, number>; failed: number }> {
  const verdicts = new Map<string, Verdict>();
  const errors = new Map<string, string>();
  const counts: Record<string, number> = {};
  progress.start(plan.todo.length);
  try {
    for (let i = 0; i < plan.todo.length; i += opts.chunk) {
      const emails = plan.todo.slice(i, i + opts.chunk);
      const key = `emails-verify-${createHash('sha256').update(emails.join('\n')).digest('hex').slice(0, 40)}`;
      try {
        const posted = await client.post<{ job_id: string }>(
          '/api/v1/emails/verify',
          { emails },
          { idempotencyKey: key },
        );
        const { task } = await waitForTask(client, posted.body.job_id, {
          intervalMs: opts.pollMs,
          signal,
        });
        if (task.status !== 'succeeded') {
          for (const e of emails) errors.set(e, taskError(task) || task.status);
        } else {
          for (const v of (task.result as { results: Verdict[] }).results)
            verdicts.set(v.email.toLowerCase(), v);
        }
      } catch (err) {
        if (signal.aborted || !(err instanceof ApiError) || err.status >= 500) throw err;
        for (const e of emails) errors.set(e, oneLineError(err));
      }
      for (const e of emails) {
        const s = verdicts.get(e)?.status ?? 'failed';
        counts[s] = (counts[s] ?? 0) + 1;
      }
      progress.tick(
        `${Math.min(i + opts.chunk, plan.todo.length)}/${plan.todo.length} verified`,
        counts,
        emails.length,
      );
    }
  } finally {
    writeVerified(opts.output, plan, verdicts, errors);
  }
  return { counts, failed: errors.size };
}

function writeVerified(
  output: string,
  plan: VerifyPlan,
  verdicts: Map<string, Verdict>,
  errors: Map<string, string>,
): void {
  const rows = plan.rows.map((cells) => {
    const prev = plan.done.get(rowKey(cells));
    if (prev) return prev;
    const email = cells[plan.emailAt].trim().toLowerCase();
    const v = verdicts.get(email);
    if (v)
      return [
        ...cells,
        v.status,
        v.score,
        v.reasons.join(' '),
        v.catch_all === null ? '' : String(v.catch_all),
        v.provider ?? '',
        '',
      ];
    const error = !LOOKS_LIKE_EMAIL.test(email)
      ? 'not an email address'
      : (errors.get(email) ?? 'not verified yet: run again to resume');
    return [...cells, '', '', '', '', '', error];
  });
  writeCsvAtomic(output, [...plan.header, ...VERIFY_COLUMNS], rows);
}
