import { basename } from 'node:path';
import { ApiClient, ApiError, LocalFileError, oneLineError } from '../api-client';
import { isFatal } from '../accounts-enrich/row-pool';
import { writeCsvAtomic } from '../csv';
import { Progress } from '../progress';
import { RowsRun, runRows } from '../task-row';
import { InteractionDetail, waitForInteraction } from '../task-wait';
import { INTERACTION_COLUMNS, InteractionRow, InteractionsPlan } from './plan';

export const INTERACTIONS_PATH = '/api/v1/interactions';

/** The row status of a final state. */
const STATUS_OF: Record<string, string> = {
  SUCCESS: 'succeeded',
  ERROR: 'failed',
  CANCELLED: 'cancelled',
};

/** Refusals of an upload that another try would get again: the row is rejected. */
const REJECTED_HTTP = [400, 413, 415, 422];

/** `Priya Patel (Acme Robotics) [high_confidence]`: a person, their company and match label. */
function personText(p: NonNullable<InteractionDetail['persons']>[number]): string {
  return [p.name, p.company ? `(${p.company})` : '', p.profile?.label ? `[${p.profile.label}]` : '']
    .filter(Boolean)
    .join(' ');
}

/** The columns `lines` … `summary` of a conversation as read (empty where it has nothing yet). */
export function interactionCells(i: InteractionDetail): string[] {
  const lines = i.transcript?.lines;
  const pii = i.pii_counts
    ? Object.values(i.pii_counts).reduce((s, n) => s + (Number(n) || 0), 0)
    : undefined;
  const draft = i.synthesis?.drafts?.[0];
  return [
    Array.isArray(lines) ? String(lines.length) : '',
    pii === undefined ? '' : String(pii),
    (i.persons ?? []).map(personText).join('; '),
    draft?.subject ?? '',
    draft?.message ?? '',
    i.synthesis?.summary ?? '',
  ];
}

/** `CODE: message` of a conversation that ended in ERROR. */
function interactionError(i: InteractionDetail): string {
  if (!i.error) return i.state === 'ERROR' ? 'ended in ERROR' : '';
  return [i.error.code, i.error.message].filter(Boolean).join(': ');
}

const RESULT_WIDTH = INTERACTION_COLUMNS.length - 4;

function outputRow(row: InteractionRow): string[] {
  if (row.previous) return row.previous;
  const added = row.added ?? Array.from({ length: RESULT_WIDTH }, () => '');
  return [
    ...row.cells,
    row.jobId ?? '',
    row.state ?? '',
    ...added,
    row.status ?? '',
    row.error ?? '',
  ];
}

export interface InteractionsRunSummary extends RowsRun {
  recordings: number;
}

interface RunOptions {
  output: string;
  concurrency: number;
  pollMs: number;
  timeoutMs: number;
}

/**
 * One row: its file uploaded (`POST /api/v1/interactions`, streamed from disk) unless an earlier
 * run already did, then the conversation polled until it ends. Ctrl-C and fatal errors (server
 * unreachable, key refused) are thrown; anything else ends the row as rejected or error.
 */
async function submitRow(
  client: ApiClient,
  abort: AbortController,
  row: InteractionRow,
  opts: RunOptions,
  save: () => void,
): Promise<void> {
  const upload = row.upload;
  if (!upload) {
    row.status = 'rejected';
    row.error = row.problem ?? 'not usable';
    return;
  }
  const resumed = !!row.jobId;
  try {
    if (!row.jobId) {
      const { body } = await client.postForm<{ job_id: string; state: string }>(
        INTERACTIONS_PATH,
        { user_id: upload.user_id, mode: upload.mode },
        { file: { path: upload.path, name: basename(upload.path) } },
      );
      row.jobId = body.job_id;
      row.state = body.state;
    }
    // Saved at once: should this run stop, the next one waits for this conversation again.
    row.status = 'error';
    row.error = 'not finished when this file was written: run again to resume';
    save();
    const { interaction, timedOut } = await waitForInteraction(client, row.jobId, {
      intervalMs: opts.pollMs,
      timeoutMs: opts.timeoutMs,
      signal: abort.signal,
      onChange: (i) => (row.state = i.state),
    });
    row.state = interaction.state;
    row.added = interactionCells(interaction);
    if (timedOut) {
      row.error = `still ${interaction.state} when --timeout passed: run again to resume`;
    } else {
      row.status = STATUS_OF[interaction.state] ?? 'error';
      row.error = interactionError(interaction);
    }
  } catch (err) {
    if (abort.signal.aborted || isFatal(err)) throw err;
    if (resumed && err instanceof ApiError && err.status === 404) {
      row.status = 'error';
      row.error = `interaction ${row.jobId} no longer exists: run again to upload the file anew`;
      row.jobId = undefined;
      row.state = undefined;
      return;
    }
    const refused =
      err instanceof LocalFileError ||
      (err instanceof ApiError && REJECTED_HTTP.includes(err.status) && !row.jobId);
    row.status = refused ? 'rejected' : 'error';
    row.error = oneLineError(err);
  }
}

/**
 * Submits each row to do with at most `concurrency` in flight, waits for each conversation to
 * end, and saves the output as rows start and end (written atomically, formula-safe).
 */
export async function runInteractions(
  client: ApiClient,
  abort: AbortController,
  plan: InteractionsPlan,
  progress: Progress,
  opts: RunOptions,
): Promise<InteractionsRunSummary> {
  const save = () =>
    writeCsvAtomic(
      opts.output,
      plan.outHeader,
      plan.rows.filter((r) => r.previous || r.status).map(outputRow),
    );
  const run = await runRows(plan, abort, progress, { concurrency: opts.concurrency, save }, (row) =>
    submitRow(client, abort, row, opts, save),
  );
  return { recordings: plan.rows.length, ...run };
}
