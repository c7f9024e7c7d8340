import { chunks } from '../../common/map-limit';
import { contentKey, resumeRows } from '../accounts-enrich/plan';
import { escapeFormula, readCsv } from '../csv';
import {
  CONTACT_FIELDS,
  ContactColumnFlags,
  ContactColumns,
  ContactField,
  contactOutputHeader,
  mapContactColumns,
} from './columns';

/*
 * The plan of `assay contacts enrich`: every input row is a contact; the rows not done in an
 * earlier output are sent in chunks of `--chunk` rows, one contact_enrichment task per chunk.
 */

export const CONTACT_TASK = 'contact_enrichment';

/** A row with one of these statuses is done: a re-run skips it. */
export const DONE_STATUSES: ReadonlySet<string> = new Set([
  'enriched',
  'unenriched',
  'failed',
  'cancelled',
  'rejected',
]);

/** The contact one row asks for: its mapped cells, trimmed, empty ones left out. */
export type ContactBody = Partial<Record<ContactField, string>>;

export interface ContactRow {
  /** 1-based data row number (the header is not counted). */
  number: number;
  cells: string[];
  key: string;
  body: ContactBody;
  /** The row as found in an earlier output (done: skipped). */
  previous?: string[];
  jobId?: string;
  status?: string;
  error?: string;
  results?: string[];
}

export interface ContactPlan {
  header: string[];
  outHeader: string[];
  map: ContactColumns;
  rows: ContactRow[];
  /** Rows to send, in chunks of `--chunk` rows (input order). */
  chunks: ContactRow[][];
  /** Rows of the earlier output that match no input row (not written again). */
  dropped: number;
}

export interface ContactPlanOptions {
  input: string;
  output?: string;
  chunk: number;
  columns: ContactColumnFlags;
}

const FIELDS = Object.keys(CONTACT_FIELDS) as ContactField[];

export function contactBody(cells: string[], map: ContactColumns): ContactBody {
  const body: ContactBody = {};
  for (const f of FIELDS) {
    const v = map[f] >= 0 ? (cells[map[f]] ?? '').trim() : '';
    if (v) body[f] = v;
  }
  return body;
}

/** Matches a row with its row in an earlier output: the mapped cells, as written (escaped). */
export function contactRowKey(cells: string[], map: ContactColumns): string {
  return JSON.stringify(
    FIELDS.map((f) => (map[f] >= 0 ? escapeFormula(cells[map[f]] ?? '') : null)),
  );
}

/** The body of one chunk's task (and the Idempotency-Key of exactly that body). */
export function chunkBody(
  rows: ContactRow[],
  budgetUsd?: number,
): { body: { contacts: ContactBody[]; budget_usd?: number }; key: string } {
  const body = {
    contacts: rows.map((r) => r.body),
    ...(budgetUsd !== undefined ? { budget_usd: budgetUsd } : {}),
  };
  return { body, key: contentKey(CONTACT_TASK, body) };
}

export function planContactsRun(opts: ContactPlanOptions): ContactPlan {
  const table = readCsv(opts.input);
  const map = mapContactColumns(table.header, opts.columns);
  const outHeader = contactOutputHeader(table.header);
  const rows: ContactRow[] = table.rows.map((cells, i) => ({
    number: i + 1,
    cells,
    key: contactRowKey(cells, map),
    body: contactBody(cells, map),
  }));
  const { todo, dropped } = resumeRows(rows, rows, opts.output, outHeader, DONE_STATUSES, (cells) =>
    contactRowKey(cells, map),
  );
  return {
    header: table.header,
    outHeader,
    map,
    rows,
    chunks: chunks(todo, opts.chunk),
    dropped,
  };
}
