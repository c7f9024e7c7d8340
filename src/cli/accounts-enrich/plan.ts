import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { stableStringify } from '../../common/stable-json';
import { CsvTable, escapeFormula, readCsv } from '../csv';
import { CliError, EXIT } from '../io';
import { ColumnFlags, ColumnMap, mapColumns, outputHeader } from './columns';

/*
 * The plan of a run: every input row with the account it asks for, matched against an earlier
 * output (`--out` of a previous run) so that a re-run submits only the rows not done yet.
 */

export const ACCOUNT_TASK = 'account_enhancement';

/** A row with one of these statuses is done: a re-run skips it. */
export const DONE_STATUSES = new Set(['succeeded', 'failed', 'cancelled', 'rejected']);

/** The account one row asks for. */
export interface AccountBody {
  website: string;
  account_id?: string;
  name?: string;
  budget_usd?: number;
}

export function rowBody(cells: string[], map: ColumnMap, budgetUsd?: number): AccountBody {
  const get = (i: number) => (i >= 0 ? (cells[i] ?? '').trim() : '');
  const body: AccountBody = { website: get(map.website) };
  if (get(map.account_id)) body.account_id = get(map.account_id);
  if (get(map.name)) body.name = get(map.name);
  if (budgetUsd !== undefined) body.budget_usd = budgetUsd;
  return body;
}

/**
 * The Idempotency-Key of a row: a hash of exactly what is sent. A re-run (or another file with the
 * same row) gets the same task back instead of a new, paid, one.
 */
export function idempotencyKey(body: AccountBody): string {
  return contentKey(ACCOUNT_TASK, body);
}

/** `assay-cli-<task>-<sha256 of the task and body>`: the same content, the same key. */
export function contentKey(task: string, body: unknown): string {
  const h = createHash('sha256').update(stableStringify({ task, body })).digest('hex');
  return `assay-cli-${task}-${h}`;
}

/**
 * Matches a row of the input with its row in an earlier output: the mapped cells, as written to the
 * output (escaped against formula injection, which changes nothing on a second pass).
 */
export function rowKey(cells: string[], map: ColumnMap): string {
  const cell = (i: number) => (i >= 0 ? escapeFormula(cells[i] ?? '') : null);
  return JSON.stringify([cell(map.website), cell(map.account_id), cell(map.name)]);
}

/** One input row and what became of it. */
export interface Row {
  /** 1-based data row number (the header is not counted). */
  number: number;
  cells: string[];
  key: string;
  body: AccountBody;
  /** The row as found in an earlier output (done: skipped). */
  previous?: string[];
  jobId?: string;
  status?: string;
  error?: string;
  results?: string[];
}

export interface Plan {
  header: string[];
  outHeader: string[];
  map: ColumnMap;
  /** Input rows, in order (after --limit). */
  rows: Row[];
  /** Rows to submit: not done in the earlier output. */
  todo: Row[];
  /** Rows of the earlier output that are done but beyond --limit (kept in the output). */
  keptBeyondLimit: Row[];
  /** Rows of the earlier output that match no input row (not written again). */
  dropped: number;
}

export interface PlanOptions extends ColumnFlags {
  input: string;
  output?: string;
  limit?: number;
  budgetUsd?: number;
}

export function planRun(opts: PlanOptions): Plan {
  const table = readCsv(opts.input);
  const map = mapColumns(table.header, opts);
  const outHeader = outputHeader(table.header);
  const all: Row[] = table.rows.map((cells, i) => ({
    number: i + 1,
    cells,
    key: rowKey(cells, map),
    body: rowBody(cells, map, opts.budgetUsd),
  }));
  const rows = opts.limit !== undefined ? all.slice(0, opts.limit) : all;

  const { todo, previous, dropped } = resumeRows(
    rows,
    all,
    opts.output,
    outHeader,
    DONE_STATUSES,
    (cells) => rowKey(cells, map),
  );
  const keptBeyondLimit = all.slice(rows.length).filter((r) => {
    const prev = previous?.get(r.key);
    if (prev) r.previous = prev;
    return !!prev;
  });
  return { header: table.header, outHeader, map, rows, todo, keptBeyondLimit, dropped };
}

/** An input row, as matched against an earlier output. */
export interface ResumableRow {
  key: string;
  /** Its row in the earlier output, when done there (it is then skipped). */
  previous?: string[];
  status?: string;
}

/**
 * `rows` matched against the done rows of an earlier output (`output`, when it exists): a row done
 * there takes its cells and status; the others are `todo`. `dropped`: done rows of the output that
 * match none of `all` (an edited input), which are not written again.
 */
export function resumeRows<R extends ResumableRow>(
  rows: R[],
  all: R[],
  output: string | undefined,
  outHeader: string[],
  done: ReadonlySet<string>,
  keyOf: (cells: string[]) => string,
): { todo: R[]; previous: Map<string, string[]> | null; dropped: number } {
  const previous =
    output && existsSync(output) ? readDoneRows(output, outHeader, done, keyOf) : null;
  const todo: R[] = [];
  for (const row of rows) {
    const prev = previous?.get(row.key);
    if (prev) {
      row.previous = prev;
      row.status = prev[outHeader.length - 2];
    } else todo.push(row);
  }
  const matched = new Set(all.map((r) => r.key));
  const dropped = previous ? [...previous.keys()].filter((k) => !matched.has(k)).length : 0;
  return { todo, previous, dropped };
}

/**
 * The rows of an earlier output (`--out` of a previous run) whose status (the column before the
 * last) is in `done`, by `keyOf` their cells. Its columns must be `outHeader` (as written, escaped).
 */
export function readDoneRows(
  file: string,
  outHeader: string[],
  done: ReadonlySet<string>,
  keyOf: (cells: string[]) => string,
): Map<string, string[]> {
  const prev: CsvTable = readCsv(file);
  const expected = outHeader.map(escapeFormula);
  if (prev.header.join('\u0000') !== expected.join('\u0000')) {
    throw new CliError(
      `${file} exists but its columns are not the ones this run writes, so it cannot be resumed: ` +
        'choose another --out, or delete it to start over',
      EXIT.usage,
    );
  }
  const statusAt = outHeader.length - 2;
  const rows = new Map<string, string[]>();
  for (const cells of prev.rows) {
    if (done.has(cells[statusAt])) rows.set(keyOf(cells), cells);
  }
  return rows;
}
