import type { ApiClient } from '../api-client';
import { writeCsvAtomic } from '../csv';
import { CliError, EXIT } from '../io';
import type { Progress } from '../progress';
import { taskError, waitForTask } from '../task-wait';
import type { ColumnsPlan } from './plan';

/** The value fields of a column value, as the run's result gives them. */
interface ColumnValue {
  entity_id: string;
  value_string?: string;
  value_number?: number;
  value_boolean?: boolean;
  value_enum?: string;
  value_json?: unknown;
  confidence_score?: number;
  rationale?: string;
  sources?: string[];
  status: string;
  error_details?: { error?: string };
}

const text = (v: ColumnValue): string =>
  v.value_enum ??
  v.value_string ??
  (v.value_number !== undefined
    ? String(v.value_number)
    : v.value_boolean !== undefined
      ? String(v.value_boolean)
      : v.value_json !== undefined
        ? JSON.stringify(v.value_json)
        : '');

export interface ColumnsRunSummary {
  rows: number;
  counts: Record<string, number>;
  cached: number;
  llm_calls: number;
  cost_usd: number;
  unfinished: number;
  interrupted: boolean;
  skipped: number;
}

/**
 * Defines the column (`POST /api/v1/columns`), runs it over the rows in chunks of `chunk`
 * entities (`POST /api/v1/columns/{id}/run`, `concurrency` answered at once), waits for each and
 * writes the output CSV after each chunk: the input row plus the value, confidence, rationale,
 * sources, status and error.
 */
export async function runColumns(
  client: ApiClient,
  abort: AbortController,
  plan: ColumnsPlan,
  progress: Progress,
  opts: {
    output: string;
    concurrency: number;
    chunk: number;
    refresh: boolean;
    pollMs: number;
    timeoutMs: number;
  },
): Promise<ColumnsRunSummary> {
  const id = plan.definition.column_id;
  await client.post(`/api/v1/columns`, plan.definition);
  const values = new Map<string, ColumnValue>();
  const failed = new Map<string, string>();
  const sum: ColumnsRunSummary = {
    rows: plan.ids.length,
    counts: {},
    cached: 0,
    llm_calls: 0,
    cost_usd: 0,
    unfinished: 0,
    interrupted: false,
    skipped: 0,
  };
  const save = () =>
    writeCsvAtomic(
      opts.output,
      plan.outHeader,
      plan.rows.map((row, i) => {
        const v = values.get(plan.ids[i]);
        if (!v)
          return [
            ...row,
            '',
            '',
            '',
            '',
            failed.has(plan.ids[i]) ? 'failed' : '',
            failed.get(plan.ids[i]) ?? '',
          ];
        return [
          ...row,
          text(v),
          v.confidence_score !== undefined ? String(v.confidence_score) : '',
          v.rationale ?? '',
          (v.sources ?? []).join(' '),
          v.status,
          v.error_details?.error ?? '',
        ];
      }),
    );
  progress.start(plan.ids.length);
  try {
    for (let at = 0; at < plan.ids.length; at += opts.chunk) {
      if (abort.signal.aborted) throw new CliError('interrupted', EXIT.interrupted);
      const ids = plan.ids.slice(at, at + opts.chunk);
      const created = await client.post<{ job_id: string }>(
        `/api/v1/columns/${encodeURIComponent(id)}/run`,
        {
          entity_ids: ids,
          context_data: Object.fromEntries(ids.map((e) => [e, plan.context[e]])),
          concurrent_requests: opts.concurrency,
          ...(opts.refresh ? { refresh: true } : {}),
        },
      );
      const { task, timedOut } = await waitForTask(client, created.body.job_id, {
        intervalMs: opts.pollMs,
        timeoutMs: opts.timeoutMs,
        signal: abort.signal,
      });
      const r = (task.result ?? {}) as {
        values?: ColumnValue[];
        cached_count?: number;
        llm_calls?: number;
        cost_usd?: number;
      };
      if (task.status === 'succeeded') {
        for (const v of r.values ?? []) values.set(v.entity_id, v);
        sum.cached += r.cached_count ?? 0;
        sum.llm_calls += r.llm_calls ?? 0;
        sum.cost_usd += r.cost_usd ?? 0;
      } else {
        const why = timedOut ? 'timed out waiting for the task' : taskError(task) || task.status;
        for (const e of ids) failed.set(e, why);
        sum.unfinished += ids.length;
      }
      for (const e of ids) {
        const status = values.get(e)?.status ?? 'failed';
        sum.counts[status] = (sum.counts[status] ?? 0) + 1;
      }
      progress.tick(
        `entities ${at + 1}–${at + ids.length}: ${task.status}`,
        sum.counts,
        ids.length,
      );
      save();
    }
  } catch (err) {
    if (err instanceof CliError && err.exitCode === EXIT.interrupted) sum.interrupted = true;
    else throw err;
  } finally {
    progress.stop();
    save();
  }
  sum.cost_usd = Math.round(sum.cost_usd * 1e6) / 1e6;
  return sum;
}
