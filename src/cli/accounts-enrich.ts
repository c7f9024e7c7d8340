import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { stableStringify } from '../common/stable-json';
import { ApiClient, ApiError, NetworkError, oneLineError } from './api-client';
import { CsvTable, escapeFormula, readCsv, writeCsvAtomic } from './csv';
import { CliError, EXIT } from './io';
import { Progress } from './progress';
import { TaskDetail, taskError, waitForTask } from './task-wait';

export const ACCOUNT_TASK = 'account_enhancement';

/** The seed's AccountEnhancement processed_data keys written to the output, in this order. */
export const RESULT_KEYS = [
  'company_name',
  'industry',
  'location',
  'employee_count',
  'founded_year',
  'linkedin_url',
  'technologies',
  'customers',
  'competitors',
  'analysis_summary',
] as const;

/** Bookkeeping columns after the results. */
export const META_COLUMNS = ['assay_job_id', 'assay_status', 'assay_error'] as const;

/** A row with one of these statuses is done: a re-run skips it. */
export const DONE_STATUSES = new Set(['succeeded', 'failed', 'cancelled', 'rejected']);

/** Header names tried, in order, when no column flag is given (compared without case and punctuation). */
const CANDIDATES = {
  website: [
    'website',
    'websiteurl',
    'companywebsite',
    'domain',
    'companydomain',
    'url',
    'homepage',
    'site',
    'web',
  ],
  account_id: ['accountid', 'account', 'id', 'crmid', 'externalid', 'recordid'],
  name: [
    'name',
    'companyname',
    'company',
    'accountname',
    'organization',
    'organisation',
    'organizationname',
  ],
} as const;

type Field = keyof typeof CANDIDATES;
const norm = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');

export interface ColumnFlags {
  websiteColumn?: string;
  accountIdColumn?: string;
  nameColumn?: string;
}

/** Index of each mapped column in the input header (-1: not sent). */
export type ColumnMap = Record<Field, number>;

/**
 * Which input columns hold the website, account id and name: a flag names one (exactly, or
 * ignoring case and punctuation; `none` for no column), else the first header among the
 * candidates. The website column is required.
 */
export function mapColumns(header: string[], flags: ColumnFlags): ColumnMap {
  const find = (field: Field, flag: string | undefined, option: string): number => {
    if (flag !== undefined) {
      if (field !== 'website' && flag.trim().toLowerCase() === 'none') return -1;
      const exact = header.indexOf(flag);
      const i = exact >= 0 ? exact : header.findIndex((h) => norm(h) === norm(flag));
      if (i < 0) {
        throw new CliError(
          `${option} "${flag}": no such column. The columns are: ${header.join(', ')}`,
          EXIT.usage,
        );
      }
      return i;
    }
    for (const c of CANDIDATES[field]) {
      const i = header.findIndex((h) => norm(h) === c);
      if (i >= 0) return i;
    }
    return -1;
  };
  const map: ColumnMap = {
    website: find('website', flags.websiteColumn, '--website-column'),
    account_id: find('account_id', flags.accountIdColumn, '--account-id-column'),
    name: find('name', flags.nameColumn, '--name-column'),
  };
  if (map.website < 0) {
    throw new CliError(
      `no website column found (looked for website, domain, url, …): name it with --website-column. ` +
        `The columns are: ${header.join(', ')}`,
      EXIT.usage,
    );
  }
  return map;
}

/** Output columns: the input's, the results' (`assay_` added on a clash) and the bookkeeping ones. */
export function outputHeader(header: string[]): string[] {
  const clash = META_COLUMNS.filter((c) => header.includes(c));
  if (clash.length) {
    throw new CliError(
      `the input already has ${clash.join(', ')}: is it an output of \`assay accounts enrich\`? ` +
        'Pass the original input with --in (and this file as --out to resume).',
      EXIT.usage,
    );
  }
  const results = RESULT_KEYS.map((k) => (header.includes(k) ? `assay_${k}` : k));
  return [...header, ...results, ...META_COLUMNS];
}

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
  const h = createHash('sha256')
    .update(stableStringify({ task: ACCOUNT_TASK, body }))
    .digest('hex');
  return `assay-cli-${ACCOUNT_TASK}-${h}`;
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

  const previous =
    opts.output && existsSync(opts.output) ? readPrevious(opts.output, outHeader, map) : null;
  const todo: Row[] = [];
  for (const row of rows) {
    const prev = previous?.get(row.key);
    if (prev) {
      row.previous = prev;
      row.status = prev[outHeader.length - 2];
    } else todo.push(row);
  }
  const keptBeyondLimit = all.slice(rows.length).filter((r) => {
    const prev = previous?.get(r.key);
    if (prev) r.previous = prev;
    return !!prev;
  });
  const matched = new Set(all.map((r) => r.key));
  const dropped = previous ? [...previous.keys()].filter((k) => !matched.has(k)).length : 0;
  return { header: table.header, outHeader, map, rows, todo, keptBeyondLimit, dropped };
}

/** Done rows of an earlier output, by row key. */
function readPrevious(file: string, outHeader: string[], map: ColumnMap): Map<string, string[]> {
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
  const done = new Map<string, string[]>();
  for (const cells of prev.rows) {
    if (DONE_STATUSES.has(cells[statusAt])) done.set(rowKey(cells, map), cells);
  }
  return done;
}

/** The output cells of a row (results empty until known). */
export function outputRow(row: Row): string[] {
  if (row.previous) return row.previous;
  return [
    ...row.cells,
    ...(row.results ?? RESULT_KEYS.map(() => '')),
    row.jobId ?? '',
    row.status ?? '',
    row.error ?? '',
  ];
}

/** Writes every row that has been submitted or was done before, in input order. */
export function saveOutput(file: string, plan: Plan): void {
  const rows = [...plan.rows, ...plan.keptBeyondLimit].filter((r) => r.previous || r.status);
  writeCsvAtomic(file, plan.outHeader, rows.map(outputRow));
}

/** A result value as one cell: lists joined with "; ", objects as JSON, null as empty. */
export function resultCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (Array.isArray(v)) {
    return v
      .map((x) =>
        typeof x === 'string'
          ? x
          : x && typeof x === 'object' && typeof (x as { name?: unknown }).name === 'string'
            ? (x as { name: string }).name
            : JSON.stringify(x),
      )
      .join('; ');
  }
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

interface AccountItemResult {
  status?: string;
  processed_data?: Record<string, unknown>;
  error?: string;
  error_code?: string;
}

/** The status, error and result cells of a finished account_enhancement task. */
export function rowOutcome(t: TaskDetail): { status: string; error: string; results: string[] } {
  const r = (t.result ?? null) as
    (Record<string, unknown> & { results?: AccountItemResult[] }) | null;
  const item = Array.isArray(r?.results) ? r.results[0] : undefined;
  const data = item?.processed_data ?? r ?? {};
  const results = RESULT_KEYS.map((k) => resultCell((data as Record<string, unknown>)[k]));
  if (t.status === 'succeeded' && item?.status === 'failed') {
    return {
      status: 'failed',
      error: [item.error_code, item.error].filter(Boolean).join(': '),
      results,
    };
  }
  return { status: t.status, error: t.status === 'succeeded' ? '' : taskError(t), results };
}

/** The create answer of the seed route. */
interface SeedCreated {
  job_id: string;
  assay_task_id?: string;
  assay_status: string;
}

export interface RunOptions {
  output: string;
  concurrency: number;
  pollMs: number;
  /** Per row: stop waiting after this long (the row stays unfinished; a re-run resumes it). */
  rowTimeoutMs?: number;
  /** At most one save of the output per this many ms while running (and one at the end). */
  saveEveryMs?: number;
}

export interface RunSummary {
  total: number;
  skipped: number;
  processed: number;
  counts: Record<string, number>;
  unfinished: number;
  interrupted: boolean;
}

/**
 * Submits each row to do (seed create route, Idempotency-Key from its content), waits for it
 * with at most `concurrency` rows in flight, and saves the output as rows end. Ctrl-C (the
 * signal) or a fatal error (refused key, server unreachable) stops it after saving what it has.
 */
export async function runEnrichment(
  client: ApiClient,
  abort: AbortController,
  plan: Plan,
  progress: Progress,
  opts: RunOptions,
): Promise<RunSummary> {
  const counts: Record<string, number> = {};
  const count = (s: string) => (counts[s] = (counts[s] ?? 0) + 1);
  for (const r of plan.rows) if (r.previous && r.status) count(r.status);
  const skipped = plan.rows.length - plan.todo.length;
  let processed = 0;
  let fatal: unknown;
  let lastSave = Date.now();
  const save = (force: boolean) => {
    if (!force && Date.now() - lastSave < (opts.saveEveryMs ?? 1000)) return;
    saveOutput(opts.output, plan);
    lastSave = Date.now();
  };

  const one = async (row: Row): Promise<void> => {
    if (!row.body.website) {
      row.status = 'rejected';
      row.error = 'the website cell is empty';
      return;
    }
    try {
      const { body } = await client.post<SeedCreated>(
        `/api/v1/tasks/create/${ACCOUNT_TASK}`,
        row.body,
        { idempotencyKey: idempotencyKey(row.body) },
      );
      row.jobId = body.assay_task_id ?? body.job_id;
      row.status = body.assay_status;
      row.error = undefined;
      const { task, timedOut } = await waitForTask(client, row.jobId, {
        intervalMs: opts.pollMs,
        timeoutMs: opts.rowTimeoutMs,
        signal: abort.signal,
        onChange: (t) => (row.status = t.status),
      });
      if (timedOut) {
        row.status = task.status;
        row.error = 'still not finished when --timeout passed: run again to resume';
        return;
      }
      Object.assign(row, rowOutcome(task));
    } catch (err) {
      if (abort.signal.aborted) throw err;
      if (isFatal(err)) throw err;
      if (err instanceof ApiError && REJECTED.has(err.status) && !row.jobId) {
        // The API refused this row (invalid input): sending it again changes nothing.
        row.status = 'rejected';
      } else row.status = row.jobId ? row.status : 'error';
      row.error = oneLineError(err);
    }
  };

  let next = 0;
  const worker = async () => {
    while (!abort.signal.aborted && next < plan.todo.length) {
      const row = plan.todo[next++];
      try {
        await one(row);
      } catch (err) {
        if (!abort.signal.aborted) {
          fatal = err;
          abort.abort();
        }
        return;
      }
      processed++;
      count(row.status ?? 'error');
      progress.tick(describeRow(row), counts);
      save(false);
    }
  };

  // Written once before any row is sent: an unwritable --out fails now, not after paid work.
  save(true);
  progress.start(plan.rows.length, skipped);
  try {
    await Promise.all(Array.from({ length: Math.min(opts.concurrency, plan.todo.length) }, worker));
  } finally {
    progress.stop();
    save(true);
  }
  if (fatal) throw fatal;
  const unfinished = plan.rows.filter((r) => !DONE_STATUSES.has(r.status ?? '')).length;
  return {
    total: plan.rows.length,
    skipped,
    processed,
    counts,
    unfinished,
    interrupted: abort.signal.aborted,
  };
}

/** Answers to a create that say the row itself is wrong (others, e.g. 409 or 5xx, may pass later). */
const REJECTED = new Set([400, 413, 422]);

/** A refused key or an unreachable server: every other row would fail the same way. */
function isFatal(err: unknown): boolean {
  return (
    err instanceof NetworkError || (err instanceof ApiError && [401, 403].includes(err.status))
  );
}

function describeRow(row: Row): string {
  const what = row.body.website || '(no website)';
  const detail =
    row.status === 'succeeded'
      ? row.results?.[0] || ''
      : row.error
        ? row.error.length > 120
          ? `${row.error.slice(0, 119)}…`
          : row.error
        : '';
  return `row ${row.number} ${what}: ${row.status}${detail ? ` – ${detail}` : ''}`;
}

/** What a dry run found. */
export interface DryRunSummary {
  dry_run: true;
  rows: number;
  skipped: number;
  valid: number;
  invalid: Array<{ row: number; website: string; error: string }>;
  calls: number;
  cost_min_usd: number;
  cost_max_usd: number;
  notes: string[];
}

interface Estimate {
  calls: number;
  cost_min_usd: number;
  cost_max_usd: number;
  notes?: string[];
}

/**
 * Asks `POST /api/v1/accounts/enrich` with `dry_run: true` for each row to do (nothing is stored
 * or run) and sums the estimates. Rows the API refuses are listed: a real run would fail them.
 */
export async function dryRun(
  client: ApiClient,
  abort: AbortController,
  plan: Plan,
  progress: Progress,
  concurrency: number,
): Promise<DryRunSummary> {
  const sum: DryRunSummary = {
    dry_run: true,
    rows: plan.rows.length,
    skipped: plan.rows.length - plan.todo.length,
    valid: 0,
    invalid: [],
    calls: 0,
    cost_min_usd: 0,
    cost_max_usd: 0,
    notes: [],
  };
  const notes = new Set<string>();
  const counts: Record<string, number> = {};
  let fatal: unknown;
  let next = 0;
  const worker = async () => {
    while (!abort.signal.aborted && next < plan.todo.length) {
      const row = plan.todo[next++];
      let line: string;
      try {
        if (!row.body.website) throw new CliError('the website cell is empty');
        const { body } = await client.post<{ estimate: Estimate }>('/api/v1/accounts/enrich', {
          ...row.body,
          dry_run: true,
        });
        const e = body.estimate;
        sum.valid++;
        sum.calls += e.calls;
        sum.cost_min_usd += e.cost_min_usd;
        sum.cost_max_usd += e.cost_max_usd;
        for (const n of e.notes ?? []) notes.add(n);
        counts.valid = (counts.valid ?? 0) + 1;
        line = `row ${row.number} ${row.body.website}: ${e.calls} call(s), $${e.cost_min_usd}–$${e.cost_max_usd}`;
      } catch (err) {
        if (abort.signal.aborted) return;
        if (isFatal(err)) {
          fatal = err;
          abort.abort();
          return;
        }
        const error = oneLineError(err);
        sum.invalid.push({ row: row.number, website: row.body.website, error });
        counts.invalid = (counts.invalid ?? 0) + 1;
        line = `row ${row.number} ${row.body.website || '(no website)'}: invalid – ${error}`;
      }
      progress.tick(line, counts);
    }
  };
  progress.start(plan.todo.length, 0);
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, plan.todo.length) }, worker));
  } finally {
    progress.stop();
  }
  if (fatal) throw fatal;
  if (abort.signal.aborted) throw new CliError('interrupted', EXIT.interrupted);
  sum.invalid.sort((a, b) => a.row - b.row);
  const round = (n: number) => Math.round(n * 1e6) / 1e6;
  sum.cost_min_usd = round(sum.cost_min_usd);
  sum.cost_max_usd = round(sum.cost_max_usd);
  sum.notes = [...notes];
  return sum;
}
