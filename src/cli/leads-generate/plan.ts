import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { stableStringify } from '../../common/stable-json';
import { ColumnFlags, ColumnMap, mapColumns } from '../accounts-enrich/columns';
import { rowKey } from '../accounts-enrich/plan';
import { readCsv } from '../csv';
import { CliError, EXIT } from '../io';

/*
 * The plan of `assay leads generate`: each input row is an account; the output has one row per
 * lead found (or one row for an account without leads or that failed). A re-run skips the
 * accounts an earlier output already has as done and keeps their rows.
 */

export const LEAD_TASK = 'lead_identification_apollo';

/** The lead columns of the output, after the input's. */
export const LEAD_COLUMNS = [
  'lead_name',
  'lead_title',
  'lead_seniority',
  'lead_linkedin_url',
  'lead_email',
  'fit_score',
  'persona_match',
  'qualified',
  'rationale',
  'matching_signals',
  'lead_id',
] as const;
export const META_COLUMNS = ['assay_job_id', 'assay_status', 'assay_error'] as const;
const DONE = new Set(['succeeded', 'failed', 'cancelled', 'rejected']);

/** What `--product <file>` holds: the product_data of the lead generation payload. */
export interface ProductData {
  name?: string;
  description?: string;
  icp_description?: string;
  persona_role_titles: { buyers?: string[]; influencers?: string[]; end_users?: string[] };
  additional_lead_signals?: string;
}

export function readProduct(file: string): ProductData {
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new CliError(
      `--product ${file}: not a readable JSON file (${(err as Error).message})`,
      EXIT.usage,
    );
  }
  const p = data as ProductData;
  if (
    !p ||
    typeof p !== 'object' ||
    !p.persona_role_titles ||
    typeof p.persona_role_titles !== 'object'
  ) {
    throw new CliError(
      `--product ${file}: needs {"persona_role_titles": {"buyers": [...], "influencers": [...], "end_users": [...]}, "name", "description", …}`,
      EXIT.usage,
    );
  }
  return p;
}

/** The payload of one account. */
export interface AccountPayload {
  account_id: string;
  account_data: { name: string; website: string };
  product_data: ProductData;
  max_people?: number;
  budget_usd?: number;
}

export interface AccountRow {
  number: number;
  cells: string[];
  key: string;
  body: AccountPayload;
  /** Output rows of an earlier run (the account is done: skipped). */
  previous?: string[][];
  jobId?: string;
  status?: string;
  error?: string;
  /** Lead cells (one array per lead) once the task has ended. */
  leads?: string[][];
}

export interface LeadsPlan {
  header: string[];
  outHeader: string[];
  map: ColumnMap;
  rows: AccountRow[];
  todo: AccountRow[];
}

export interface LeadsPlanOptions extends ColumnFlags {
  input: string;
  output?: string;
  product: ProductData;
  limit?: number;
  maxPeople?: number;
  budgetUsd?: number;
}

/** The Idempotency-Key of an account: a hash of exactly what is sent (a re-run gets the same task). */
export function leadsIdempotencyKey(body: AccountPayload): string {
  const h = createHash('sha256')
    .update(stableStringify({ task: LEAD_TASK, body }))
    .digest('hex');
  return `assay-cli-${LEAD_TASK}-${h}`;
}

export function planLeads(opts: LeadsPlanOptions): LeadsPlan {
  const table = readCsv(opts.input);
  const map = mapColumns(table.header, opts);
  const clash = [...LEAD_COLUMNS, ...META_COLUMNS].filter((c) => table.header.includes(c));
  if (clash.length) {
    throw new CliError(
      `the input already has ${clash.join(', ')}: is it an output of \`assay leads generate\`? Pass the accounts file with --in.`,
      EXIT.usage,
    );
  }
  const outHeader = [...table.header, ...LEAD_COLUMNS, ...META_COLUMNS];
  const get = (cells: string[], i: number) => (i >= 0 ? (cells[i] ?? '').trim() : '');
  const all = table.rows.map((cells, i): AccountRow => {
    const website = get(cells, map.website);
    const body: AccountPayload = {
      account_id: get(cells, map.account_id) || website,
      account_data: { name: get(cells, map.name) || website, website },
      product_data: opts.product,
      ...(opts.maxPeople !== undefined ? { max_people: opts.maxPeople } : {}),
      ...(opts.budgetUsd !== undefined ? { budget_usd: opts.budgetUsd } : {}),
    };
    return { number: i + 1, cells, key: rowKey(cells, map), body };
  });
  const rows = opts.limit !== undefined ? all.slice(0, opts.limit) : all;
  const previous =
    opts.output && existsSync(opts.output)
      ? readPrevious(opts.output, outHeader, table.header.length, map)
      : null;
  const todo = rows.filter((r) => {
    const prev = previous?.get(r.key);
    if (prev) r.previous = prev;
    return !prev;
  });
  return { header: table.header, outHeader, map, rows, todo };
}

/** Output rows of the accounts an earlier output has as done, by account (row key). */
function readPrevious(
  file: string,
  outHeader: string[],
  inputWidth: number,
  map: ColumnMap,
): Map<string, string[][]> {
  const prev = readCsv(file);
  if (prev.header.join('\u0000') !== outHeader.join('\u0000')) {
    throw new CliError(
      `${file} exists but its columns are not the ones this run writes, so it cannot be resumed: choose another --out, or delete it to start over`,
      EXIT.usage,
    );
  }
  const statusAt = outHeader.length - 2;
  const byKey = new Map<string, string[][]>();
  for (const cells of prev.rows) {
    if (!DONE.has(cells[statusAt])) continue;
    const key = rowKey(cells.slice(0, inputWidth), map);
    byKey.set(key, [...(byKey.get(key) ?? []), cells]);
  }
  return byKey;
}
