import { writeCsvAtomic } from '../csv';
import { TaskDetail, taskError } from '../task-wait';
import { RESULT_KEYS } from './columns';
import type { Plan, Row } from './plan';

/*
 * The output CSV: per row its input cells, the result cells of its finished task and the
 * bookkeeping cells, written atomically with every cell escaped against formula injection
 * (writeCsvAtomic).
 */

/** What an output row is made of (an input row and what became of it). */
export type OutputRowParts = Pick<
  Row,
  'previous' | 'cells' | 'results' | 'jobId' | 'status' | 'error'
>;

/** The output cells of a row: `resultCount` result cells, empty until known. */
export function outputRow(row: OutputRowParts, resultCount: number = RESULT_KEYS.length): string[] {
  if (row.previous) return row.previous;
  return [
    ...row.cells,
    ...(row.results ?? Array<string>(resultCount).fill('')),
    row.jobId ?? '',
    row.status ?? '',
    row.error ?? '',
  ];
}

/** Writes every row that has been submitted or was done before, in input order. */
export function saveOutput(file: string, plan: Plan): void {
  const rows = [...plan.rows, ...plan.keptBeyondLimit].filter((r) => r.previous || r.status);
  writeCsvAtomic(
    file,
    plan.outHeader,
    rows.map((r) => outputRow(r)),
  );
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
