import type { ApiClient } from '../api-client';
import { eachRow } from '../accounts-enrich/row-pool';
import { writeCsvAtomic } from '../csv';
import { Progress } from '../progress';
import { FINAL_ROW_STATUSES, submitAndWait } from '../task-row';
import type { TaskDetail } from '../task-wait';
import { AccountRow, LEAD_COLUMNS, leadsIdempotencyKey, LeadsPlan } from './plan';

interface EvaluatedLead {
  id: string;
  fit_score: number;
  persona_match: string | null;
  rationale: string;
  matching_signals: string[];
}

interface StructuredLead {
  id: string;
  assay_lead_id?: string | null;
  name?: string | null;
  linkedin_url?: string | null;
  current_employment?: { title?: string | null; seniority?: string | null } | null;
  contact_info?: { email?: string | null } | null;
}

/** One row per lead of a finished task, highest fit first. */
export function leadCells(task: TaskDetail): string[][] {
  const r = (task.result ?? {}) as {
    all_leads?: EvaluatedLead[];
    structured_leads?: StructuredLead[];
    qualified_leads?: EvaluatedLead[];
  };
  const people = new Map((r.structured_leads ?? []).map((l) => [l.id, l]));
  const qualified = new Set((r.qualified_leads ?? []).map((l) => l.id));
  return (r.all_leads ?? []).map((e) => {
    const p = people.get(e.id);
    return [
      p?.name ?? '',
      p?.current_employment?.title ?? '',
      p?.current_employment?.seniority ?? '',
      p?.linkedin_url ?? '',
      p?.contact_info?.email ?? '',
      String(e.fit_score),
      e.persona_match ?? '',
      qualified.has(e.id) ? 'yes' : 'no',
      e.rationale,
      (e.matching_signals ?? []).join('; '),
      p?.assay_lead_id ?? e.id,
    ];
  });
}

/** The output rows of an account: its earlier rows, one per lead, or one without a lead. */
function outputRows(row: AccountRow): string[][] {
  if (row.previous) return row.previous;
  const meta = [row.jobId ?? '', row.status ?? '', row.error ?? ''];
  const leads = row.leads?.length ? row.leads : [LEAD_COLUMNS.map(() => '')];
  return leads.map((l) => [...row.cells, ...l, ...meta]);
}

export function saveLeads(file: string, plan: LeadsPlan): void {
  const rows = plan.rows.filter((r) => r.previous || r.status).flatMap(outputRows);
  writeCsvAtomic(file, plan.outHeader, rows);
}

export interface LeadsRunSummary {
  accounts: number;
  skipped: number;
  leads: number;
  counts: Record<string, number>;
  unfinished: number;
  interrupted: boolean;
}

/**
 * Submits each account to do (`POST /api/v1/leads/generate`, Idempotency-Key from its content),
 * waits for it with at most `concurrency` in flight, and saves the output as accounts end.
 */
export async function runLeads(
  client: ApiClient,
  abort: AbortController,
  plan: LeadsPlan,
  progress: Progress,
  opts: { output: string; concurrency: number; pollMs: number; timeoutMs: number },
): Promise<LeadsRunSummary> {
  const counts: Record<string, number> = {};
  const count = (s: string) => (counts[s] = (counts[s] ?? 0) + 1);
  let leads = 0;
  const one = async (row: AccountRow): Promise<void> => {
    if (!row.body.account_data.website) {
      row.status = 'rejected';
      row.error = 'the website cell is empty';
      return;
    }
    const task = await submitAndWait(
      client,
      abort,
      row,
      {
        path: '/api/v1/leads/generate',
        body: row.body,
        idempotencyKey: leadsIdempotencyKey(row.body),
      },
      opts,
    );
    if (task?.status === 'succeeded') row.leads = leadCells(task);
  };
  saveLeads(opts.output, plan);
  progress.start(plan.rows.length, plan.rows.length - plan.todo.length);
  try {
    await eachRow(plan.todo, opts.concurrency, abort, async (row) => {
      await one(row);
      count(row.status ?? 'error');
      leads += row.leads?.length ?? 0;
      progress.tick(
        `row ${row.number} ${row.body.account_data.website}: ${row.status} (${row.leads?.length ?? 0} leads)`,
        counts,
      );
      saveLeads(opts.output, plan);
    });
  } finally {
    progress.stop();
    saveLeads(opts.output, plan);
  }
  return {
    accounts: plan.rows.length,
    skipped: plan.rows.length - plan.todo.length,
    leads,
    counts,
    unfinished: plan.rows.filter((r) => !r.previous && !FINAL_ROW_STATUSES.includes(r.status ?? ''))
      .length,
    interrupted: abort.signal.aborted,
  };
}
