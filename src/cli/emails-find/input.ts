import { basename } from 'node:path';
import { readCsv, writeCsvAtomic } from '../csv';
import { CliError, EXIT } from '../io';
import { TaskDetail, taskError } from '../task-wait';
import { emailsOf } from './job';
import { norm, rowKey } from './verify';

// `assay emails find --in`: the input CSV's rows, and the output (its rows with the addresses added).

/** Input columns, by the names they may have (case and spacing ignored). */
const COLUMNS = {
  lead_id: ['lead_id', 'assay_lead_id'],
  domain: ['domain', 'company_domain', 'website', 'url', 'email_domain'],
  first_name: ['first_name', 'firstname', 'given_name'],
  last_name: ['last_name', 'lastname', 'surname', 'family_name'],
  full_name: ['full_name', 'name', 'contact_name'],
} as const;
type Column = keyof typeof COLUMNS;

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
  const at = Object.fromEntries(
    (Object.keys(COLUMNS) as Column[]).map((c) => [
      c,
      table.header.findIndex((h) => (COLUMNS[c] as readonly string[]).includes(norm(h))),
    ]),
  ) as Record<Column, number>;
  if (at.lead_id < 0 && at.domain < 0)
    throw new CliError(
      `${basename(file)} has no domain (or website) column and no lead_id column`,
      EXIT.usage,
    );
  const rows = table.rows.map((cells): InRow => {
    const cell = (c: Column) => (at[c] >= 0 ? cells[at[c]].trim() : '');
    if (cell('lead_id')) return { cells, payload: { lead_id: cell('lead_id') } };
    if (!cell('domain')) return { cells, payload: null, problem: 'no domain or lead_id' };
    const payload: Record<string, string> = { domain: cell('domain') };
    if (cell('first_name') && cell('last_name')) {
      payload.first_name = cell('first_name');
      payload.last_name = cell('last_name');
    } else if (cell('full_name')) payload.full_name = cell('full_name');
    return { cells, payload };
  });
  return { header: table.header, rows };
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
