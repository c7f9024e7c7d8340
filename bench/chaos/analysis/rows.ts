/** What the checks of a chaos run produce (counts, recoveries, information) and read. */
import type { Pool } from 'pg';
import { fmt } from '../../support/common';
import type { Accepted, Fault, RunState } from '../state';

/** A provider_calls row of a call the vendor answered (not a cache hit, not a failure). */
export const PAID = `(NOT cached AND outcome IN ('ok', 'not_found'))`;

export const secs = (ms: number | null) => (ms === null ? '—' : `${fmt(ms / 1000, 1)} s`);

export interface CountRow {
  metric: string;
  value: number;
  detail: string;
  /** false: reported, not judged. */
  judged: boolean;
  examples: string[];
}

export interface RecoveryRow {
  fault: Fault;
  affected: number;
  /** Fault end → the first task (or callback) making progress after it; null = none. */
  progressMs: number | null;
  /** Fault end → the last affected task (or callback) running again; null when none affected. */
  recoveryMs: number | null;
  unrecovered: number;
  /** Which of the two is held against the goal. */
  judgedOn: 'recovery' | 'progress';
  note: string;
}

export interface Report {
  counts: CountRow[];
  info: string[];
  recoveries: RecoveryRow[];
}

export interface TaskRow {
  id: string;
  external_id: string | null;
  type: string;
  status: string;
  attempts: number;
  stage: string | null;
  result: any;
  error: any;
}

/** What every check reads: the run state, the tasks as the run left them; and where it writes. */
export interface Analysis {
  s: RunState;
  db: Pool;
  tasks: TaskRow[];
  byId: Map<string, TaskRow>;
  /** The client's job id of a task (its id when it has none). */
  jobOf: (id: string) => string;
  accepted: Accepted[];
  counts: CountRow[];
  info: string[];
}
