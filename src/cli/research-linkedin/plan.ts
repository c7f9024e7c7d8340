import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { contentKey, resumeRows } from '../accounts-enrich/plan';
import { escapeFormula, readCsv } from '../csv';
import { CliError, EXIT } from '../io';
import { columnIndexes } from '../../common/csv-columns';

/*
 * The plan of `assay research linkedin`: one lead_linkedin_research task per row of a CSV that
 * names the lead and the files holding its captured activity HTML (paths relative to the CSV);
 * rows done in an earlier output are skipped.
 */

export const RESEARCH_TASK = 'lead_linkedin_research';

/** Input columns, by the names they may have (case, spaces and dashes ignored). */
const COLUMNS = {
  lead_id: ['lead_id', 'id'],
  account_id: ['account_id'],
  person_name: ['person_name', 'name', 'full_name'],
  person_linkedin_url: ['person_linkedin_url', 'linkedin_url', 'linkedin'],
  company_name: ['company_name', 'company', 'account_name'],
  person_role_title: ['person_role_title', 'title', 'job_title'],
  posts_file: ['posts_file', 'posts_html_file', 'posts'],
  comments_file: ['comments_file', 'comments_html_file', 'comments'],
  reactions_file: ['reactions_file', 'reactions_html_file', 'reactions'],
  captured_at: ['captured_at'],
} as const;
type Column = keyof typeof COLUMNS;
const REQUIRED: Column[] = ['lead_id', 'person_name', 'person_linkedin_url', 'company_name'];

/** Columns added to each input row. */
export const RESEARCH_COLUMNS = [
  'activities',
  'analysed',
  'company_related',
  'personality',
  'interests',
  'email_subject',
  'email_body',
  'report_id',
  'job_id',
  'status',
  'error',
];

export const DONE_STATUSES: ReadonlySet<string> = new Set([
  'succeeded',
  'failed',
  'cancelled',
  'rejected',
]);

export interface ResearchRow {
  number: number;
  cells: string[];
  key: string;
  body: Record<string, unknown> | null;
  problem?: string;
  previous?: string[];
  jobId?: string;
  status?: string;
  error?: string;
  added?: string[];
}

export interface ResearchPlan {
  outHeader: string[];
  rows: ResearchRow[];
  todo: ResearchRow[];
}

/** A capture file's HTML (null: no file given, the tab was not captured). */
function capture(base: string, cell: string): string | null {
  if (!cell) return null;
  const path = resolve(base, cell);
  if (!existsSync(path)) throw new Error(`no file ${cell}`);
  return readFileSync(path, 'utf8');
}

export function researchKey(body: Record<string, unknown>): string {
  return contentKey(RESEARCH_TASK, body);
}

export function planResearch(input: string, output: string | undefined): ResearchPlan {
  const table = readCsv(input);
  const at = columnIndexes(table.header, COLUMNS);
  const missing = REQUIRED.filter((c) => at[c] < 0);
  if (missing.length)
    throw new CliError(`the input has no ${missing.join(', ')} column`, EXIT.usage);
  const base = dirname(input);
  const rows = table.rows.map((cells, i): ResearchRow => {
    const cell = (c: Column) => (at[c] >= 0 ? (cells[at[c]] ?? '').trim() : '');
    const row: ResearchRow = {
      number: i + 1,
      cells,
      key: JSON.stringify(cells.map((c) => escapeFormula(c))),
      body: null,
    };
    try {
      row.body = {
        lead_id: cell('lead_id'),
        account_id: cell('account_id') || cell('company_name'),
        person_name: cell('person_name'),
        person_linkedin_url: cell('person_linkedin_url'),
        company_name: cell('company_name'),
        ...(cell('person_role_title') ? { person_role_title: cell('person_role_title') } : {}),
        posts_html: capture(base, cell('posts_file')),
        comments_html: capture(base, cell('comments_file')),
        reactions_html: capture(base, cell('reactions_file')),
        ...(cell('captured_at') ? { captured_at: cell('captured_at') } : {}),
      };
    } catch (err) {
      row.problem = (err as Error).message;
    }
    return row;
  });
  const outHeader = [...table.header, ...RESEARCH_COLUMNS];
  const { todo } = resumeRows(rows, rows, output, outHeader, DONE_STATUSES, (c) =>
    JSON.stringify(c.slice(0, table.header.length)),
  );
  return { outHeader, rows, todo };
}
