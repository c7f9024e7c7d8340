import { basename } from 'node:path';
import { readCsv, writeCsvAtomic } from '../csv';
import { CliError, EXIT } from '../io';
import { TaskDetail, taskError } from '../task-wait';
import { emailsOf } from './job';
import { findColumns, findRow } from '../../modules/emails/dto/email-csv';
import { rowKey } from './verify';

// `assay emails find --in`: the input CSV's rows, and the output (its rows with the addresses added).

/** Columns added to each input row (`--in`). */
const ADDED = [
  'email',
  'email_status',
  'email_score',
  'email_type',
  'email_pattern',
  'emails_found',
  'email_error',
];

/** An input row: its cells, and what it asks for (null: the row is not usable). */
export interface InRow {
  cells: string[];
  payload: Record<string, string> | null;
  problem?: string;
}

export function readInput(file: string): { header: string[]; rows: InRow[] } {
  const table = readCsv(file);
  const at = findColumns(table.header);
  if (!at)
    throw new CliError(
      `${basename(file)} has no domain (or website) column and no lead_id column`,
      EXIT.usage,
    );
  return {
    header: table.header,
    rows: table.rows.map((cells) => ({ cells, ...findRow(at, cells) })),
  };
}

/** The same request, however its keys are ordered (the task's input less the job's options). */
export const keyOf = (input: Record<string, unknown>) =>
  JSON.stringify(
    Object.keys(input)
      .filter((k) => k !== 'max_emails' && k !== 'min_score')
      .sort()
      .map((k) => [k, input[k]]),
  );

/** The input rows with the added columns: a finished row from before, else this job's answer. */
export function writeInOutput(
  output: string,
  table: { header: string[]; rows: InRow[] },
  done: Map<string, string[]>,
  byKey: Map<string, TaskDetail>,
): void {
  const rows = table.rows.map((r) => {
    const prev = done.get(rowKey(r.cells));
    if (prev) return prev;
    if (!r.payload) return [...r.cells, '', '', '', '', '', 0, r.problem ?? ''];
    const t = byKey.get(keyOf(r.payload));
    if (!t) return [...r.cells, '', '', '', '', '', 0, 'not run'];
    const found = emailsOf(t);
    const best = found[0];
    const error = t.status === 'succeeded' ? '' : taskError(t) || t.status;
    return [
      ...r.cells,
      best?.email ?? '',
      best?.status ?? '',
      best?.score ?? '',
      best?.type ?? '',
      best?.pattern ?? '',
      found.length,
      error,
    ];
  });
  writeCsvAtomic(output, [...table.header, ...ADDED], rows);
}
