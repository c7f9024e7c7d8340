import type { ApiClient } from '../api-client';
import { writeCsvAtomic } from '../csv';
import { Progress } from '../progress';
import { RowsRun, runRows, submitAndWait } from '../task-row';
import type { TaskDetail } from '../task-wait';
import { RESEARCH_COLUMNS, researchKey, ResearchPlan, ResearchRow } from './plan';

interface Insights {
  personality_traits?: { description?: string };
  areas_of_interest?: Array<{ description: string }>;
  num_company_related_activities?: number;
  personalized_emails?: Array<{ email_subject: string; email_body: string }>;
}

/** The columns a finished task adds to its row. */
export function researchCells(task: TaskDetail): string[] {
  const r = (task.result ?? {}) as {
    content_details?: Array<{ processing_status: string }>;
    insights?: Insights | null;
    report_id?: string;
  };
  const i = r.insights ?? {};
  const email = i.personalized_emails?.[0];
  return [
    String(r.content_details?.length ?? 0),
    String(r.content_details?.filter((d) => d.processing_status === 'complete').length ?? 0),
    String(i.num_company_related_activities ?? ''),
    i.personality_traits?.description ?? '',
    (i.areas_of_interest ?? []).map((a) => a.description).join('; '),
    email?.email_subject ?? '',
    email?.email_body ?? '',
    r.report_id ?? '',
  ];
}

function outputRow(row: ResearchRow): string[] {
  if (row.previous) return row.previous;
  const added = row.added ?? RESEARCH_COLUMNS.slice(0, -3).map(() => '');
  return [...row.cells, ...added, row.jobId ?? '', row.status ?? '', row.error ?? ''];
}

export interface ResearchRunSummary extends RowsRun {
  leads: number;
}

/**
 * Submits each row to do (`POST /api/v1/research/linkedin`, Idempotency-Key from its content),
 * waits for it with at most `concurrency` in flight, and saves the output as rows end.
 */
export async function runResearch(
  client: ApiClient,
  abort: AbortController,
  plan: ResearchPlan,
  progress: Progress,
  opts: { output: string; concurrency: number; pollMs: number; timeoutMs: number },
): Promise<ResearchRunSummary> {
  const save = () =>
    writeCsvAtomic(
      opts.output,
      plan.outHeader,
      plan.rows.filter((r) => r.previous || r.status).map(outputRow),
    );
  const run = await runRows(
    plan,
    abort,
    progress,
    { concurrency: opts.concurrency, save },
    async (row) => {
      if (!row.body) {
        row.status = 'rejected';
        row.error = row.problem ?? 'not usable';
        return;
      }
      const task = await submitAndWait(
        client,
        abort,
        row,
        {
          path: '/api/v1/research/linkedin',
          body: row.body,
          idempotencyKey: researchKey(row.body),
        },
        opts,
      );
      if (task?.status === 'succeeded') row.added = researchCells(task);
    },
  );
  return { leads: plan.rows.length, ...run };
}
