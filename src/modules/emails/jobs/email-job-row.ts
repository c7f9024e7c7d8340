import type { JobState } from '../dto/email-job.dto';
import type { JobCounts } from './job-outcome';

/** An `email_jobs` row (docs/emails.md "Jobs"). */
export interface JobRow {
  id: string;
  tenant_id: string;
  kind: string;
  options: Record<string, unknown>;
  state: JobState;
  items: Array<Record<string, unknown>>;
  batch_ids: string[];
  total: number;
  skipped: number;
  summary: Partial<Summary>;
  error_message: string | null;
  created_at: Date;
  started_at: Date | null;
  completed_at: Date | null;
}

export interface Summary extends JobCounts {
  providers: Record<string, { calls: number; cost_usd: number }>;
  cost_usd: number;
}

/** One unit of a job: an `email_finding` input, and the lead it works on (claimed) if any. */
export interface Item {
  payload: Record<string, unknown>;
  leadId: string | null;
}

/** A job's tasks queued or running at once, unless it says otherwise (`max_concurrent`). */
export const DEFAULT_MAX_CONCURRENT = 5;
/** At most this many of a job's items are queued in one go (`batch_size`). */
export const DEFAULT_BATCH_SIZE = 50;
export const ACTIVE: JobState[] = ['pending', 'running'];
/** Items of one job at most (`all` takes the first this many leads). */
export const MAX_ITEMS = 10_000;
/** A running job whose row has not changed for this long is reset to pending by the sweep. */
export const JOB_STUCK_AFTER_MS = 10 * 60_000;
/** A pending job not started for this long was left by a process that died: the sweep starts it. */
export const ORPHAN_AFTER_MS = 60_000;
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
