import { columnIndexes } from '../../../common/csv-columns';

// A CSV of people or companies as `email_finding` inputs: the columns recognised by name, shared
// by `POST /api/v1/emails/jobs/csv` and `assay emails find --in`.

/** Input columns, by the names they may have (case, spaces and dashes ignored). */
export const FIND_COLUMNS = {
  lead_id: ['lead_id', 'assay_lead_id'],
  domain: [
    'domain',
    'domain_name',
    'company_domain',
    'website',
    'website_url',
    'company_website',
    'company_url',
    'url',
    'email_domain',
  ],
  first_name: ['first_name', 'firstname', 'first', 'given_name'],
  last_name: ['last_name', 'lastname', 'last', 'surname', 'family_name'],
  full_name: ['full_name', 'fullname', 'name', 'contact_name', 'person_name'],
} as const;
type Column = keyof typeof FIND_COLUMNS;

/** A row's `email_finding` input, or why it has none. */
export interface FindRow {
  payload: Record<string, string> | null;
  problem?: string;
}

/** Where each known column is (-1: absent); null when there is neither a domain nor a lead id. */
export function findColumns(header: string[]): Record<Column, number> | null {
  const at = columnIndexes(header, FIND_COLUMNS);
  return at.lead_id < 0 && at.domain < 0 ? null : at;
}

/** One row as an input: a lead id; else a domain, with the person's names when given. */
export function findRow(at: Record<Column, number>, cells: string[]): FindRow {
  const cell = (c: Column) => (at[c] >= 0 ? (cells[at[c]] ?? '').trim() : '');
  if (cell('lead_id')) return { payload: { lead_id: cell('lead_id') } };
  if (!cell('domain')) return { payload: null, problem: 'no domain or lead_id' };
  const payload: Record<string, string> = { domain: cell('domain') };
  if (cell('first_name') && cell('last_name')) {
    payload.first_name = cell('first_name');
    payload.last_name = cell('last_name');
  } else if (cell('full_name')) payload.full_name = cell('full_name');
  return { payload };
}
