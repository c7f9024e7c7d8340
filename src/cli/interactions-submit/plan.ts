import { accessSync, constants, existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { readDoneRows, resumeRows } from '../accounts-enrich/plan';
import { escapeFormula, readCsv } from '../csv';
import { CliError, EXIT } from '../io';
import { columnIndexes } from '../../common/csv-columns';

/*
 * The plan of `assay interactions submit`: one recorded conversation per row of a CSV naming the
 * audio file (relative to the CSV), whose it is and how it was recorded. Rows done in an earlier
 * output are skipped; a row submitted but not finished there is waited for again, not uploaded.
 */

/** Input columns, by the names they may have (case, spaces and dashes ignored). */
const COLUMNS = {
  file: ['file', 'audio', 'audio_file', 'recording', 'path', 'file_path'],
  user_id: ['user_id', 'user'],
  mode: ['mode'],
} as const;
type Column = keyof typeof COLUMNS;
const REQUIRED: Column[] = ['file', 'user_id'];
const MODES = ['recap', 'live'];

/** Columns added to each input row; the last two are status and error (resumeRows reads them). */
export const INTERACTION_COLUMNS = [
  'job_id',
  'state',
  'lines',
  'pii_removed',
  'people',
  'top_draft_subject',
  'top_draft_message',
  'summary',
  'status',
  'error',
];

export const DONE_STATUSES: ReadonlySet<string> = new Set([
  'succeeded',
  'failed',
  'cancelled',
  'rejected',
]);

/** What one row uploads. */
export interface UploadRequest {
  /** Absolute path of the audio file. */
  path: string;
  /** The file as the CSV names it (for messages). */
  file: string;
  user_id: string;
  mode: string;
}

export interface InteractionRow {
  number: number;
  cells: string[];
  key: string;
  upload: UploadRequest | null;
  /** Why the row cannot be sent (it is rejected without a request). */
  problem?: string;
  previous?: string[];
  /** The interaction's id: after the upload, or from an earlier output when it did not finish. */
  jobId?: string;
  state?: string;
  status?: string;
  error?: string;
  /** The result columns (lines … summary) once the interaction is read. */
  added?: string[];
}

export interface InteractionsPlan {
  outHeader: string[];
  rows: InteractionRow[];
  todo: InteractionRow[];
}

/** Why `path` cannot be uploaded, or undefined when it is a readable file. */
function fileProblem(path: string, cell: string): string | undefined {
  if (!cell) return 'no file given';
  if (!existsSync(path)) return `no file ${cell}`;
  if (!statSync(path).isFile()) return `${cell} is not a file`;
  try {
    accessSync(path, constants.R_OK);
  } catch {
    return `cannot read ${cell}`;
  }
  return undefined;
}

function uploadOf(base: string, cell: (c: Column) => string): UploadRequest | string {
  const path = resolve(base, cell('file'));
  const problem = fileProblem(path, cell('file'));
  if (problem) return problem;
  if (!cell('user_id')) return 'no user_id';
  const mode = cell('mode').toLowerCase() || 'recap';
  if (!MODES.includes(mode)) return `mode must be recap or live (got "${cell('mode')}")`;
  return { path, file: cell('file'), user_id: cell('user_id'), mode };
}

export function planInteractions(input: string, output: string | undefined): InteractionsPlan {
  const table = readCsv(input);
  const at = columnIndexes(table.header, COLUMNS);
  const missing = REQUIRED.filter((c) => at[c] < 0);
  if (missing.length)
    throw new CliError(`the input has no ${missing.join(', ')} column`, EXIT.usage);
  const base = dirname(input);
  const rows = table.rows.map((cells, i): InteractionRow => {
    const cell = (c: Column) => (at[c] >= 0 ? (cells[at[c]] ?? '').trim() : '');
    const upload = uploadOf(base, cell);
    return {
      number: i + 1,
      cells,
      key: JSON.stringify(cells.map((c) => escapeFormula(c))),
      upload: typeof upload === 'string' ? null : upload,
      problem: typeof upload === 'string' ? upload : undefined,
    };
  });
  const outHeader = [...table.header, ...INTERACTION_COLUMNS];
  const keyOf = (c: string[]) => JSON.stringify(c.slice(0, table.header.length));
  const { todo } = resumeRows(rows, rows, output, outHeader, DONE_STATUSES, keyOf);
  if (output && existsSync(output)) {
    // Submitted but not finished (timeout, Ctrl-C, a failed poll): wait for the same interaction.
    const unfinished = readDoneRows(output, outHeader, new Set(['error']), keyOf);
    const jobAt = table.header.length;
    for (const row of todo) {
      const jobId = unfinished.get(row.key)?.[jobAt];
      if (jobId && row.upload) row.jobId = jobId;
    }
  }
  return { outHeader, rows, todo };
}
