import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { SweepName, SweepsService } from '../../src/modules/sweeps/sweeps.service';
import { TaskQueues } from '../../src/modules/tasks/engine/task-queues';
import { ADMIN_DATABASE_URL, databaseUrl } from '../support/env';
import { useTestApp, waitFor } from '../support/test-app';

/**
 * What the sweeps suites share (sweeps-*.e2e.spec.ts): the sweeps driven by hand
 * (SWEEPS_ENABLED=false: no timers), task rows written straight into the table, and the metrics.
 * Each suite has a database of its own: the sweeps act on every row of the table, and other
 * suites' rows must not leak in or out.
 */

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const DAY = 24 * 60 * MINUTE;
export const LOCK_MS = 30 * SECOND;

export interface Seed {
  type?: string;
  status: 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
  attempts?: number;
  maxAttempts?: number;
  timeoutMs?: number;
  input?: object;
  error?: { code: string; message: string; retryable: boolean } | null;
  /** How long ago the row was created / last updated / finished (ms); null = not set. */
  createdAgo?: number;
  updatedAgo?: number;
  finishedAgo?: number | null;
  /** When the next attempt is due, relative to now (ms); null = not set. */
  nextAttemptIn?: number | null;
}

export interface Row {
  id: string;
  status: string;
  attempts: number;
  error: { code: string; message: string; retryable: boolean } | null;
  updated_at: Date;
  finished_at: Date | null;
  next_attempt_at: Date | null;
}

/**
 * For a describe block: the app on a database of its own (`<run database>_sweeps_<name>`, dropped
 * in afterAll), and helpers that write, read and wait for task rows.
 */
export function useSweepsApp(name: string) {
  const dbName = `${process.env.ASSAY_TEST_DATABASE ?? 'assay_test'}_sweeps_${name}`;
  const app = useTestApp(() => ({
    DATABASE_URL: databaseUrl(dbName),
    SWEEPS_ENABLED: 'false',
    SWEEP_ORPHAN_AFTER_MS: '2000',
    TASK_RETENTION_DAYS: '30',
    QUEUE_LOCK_DURATION_MS: String(LOCK_MS),
  }));
  afterAll(async () => {
    const admin = new Client({ connectionString: ADMIN_DATABASE_URL });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
    await admin.end();
  });
  const http = app.http;
  const ds = () => app.t.app.get(DataSource);

  async function seed(s: Seed): Promise<string> {
    const id = randomUUID();
    const ago = (ms: number | null | undefined) => (ms == null ? null : ms / 1000);
    await ds().query(
      `INSERT INTO tasks (id, type, status, attempts, max_attempts, timeout_ms, input, error, trace_id,
                          created_at, updated_at, started_at, finished_at, next_attempt_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'sweeps-test',
               now() - make_interval(secs => $9::float8),
               now() - make_interval(secs => $10::float8),
               CASE WHEN $4::int > 0 THEN now() - make_interval(secs => $10::float8) END,
               now() - make_interval(secs => $11::float8),
               now() + make_interval(secs => $12::float8))`,
      [
        id,
        s.type ?? 'diagnostic',
        s.status,
        s.attempts ?? 0,
        s.maxAttempts ?? 5,
        s.timeoutMs ?? 15 * MINUTE,
        JSON.stringify(s.input ?? { sleep_ms: 1 }),
        // A failed or cancelled task always has its error (CHECK tasks_ended_error_ck).
        s.error
          ? JSON.stringify(s.error)
          : s.status === 'failed' || s.status === 'cancelled'
            ? JSON.stringify({ code: 'SEEDED', message: 'seeded by the test', retryable: false })
            : null,
        ago(s.createdAgo ?? s.updatedAgo ?? 0),
        ago(s.updatedAgo ?? 0),
        ago(s.finishedAgo),
        ago(s.nextAttemptIn),
      ],
    );
    return id;
  }

  async function row(id: string): Promise<Row | undefined> {
    const rows: Row[] = await ds().query(
      `SELECT id, status, attempts, error, updated_at, finished_at, next_attempt_at
         FROM tasks WHERE id = $1`,
      [id],
    );
    return rows[0];
  }

  const untilStatus = (id: string, status: string) =>
    waitFor(async () => {
      const r = await row(id);
      return r?.status === status ? r : null;
    }, `task ${id} to be ${status}`);

  const retryable = { code: 'STALLED', message: 'worker lost', retryable: true };
  const permanent = { code: 'AUTH', message: 'bad credentials', retryable: false };

  const job = (id: string) => app.t.app.get(TaskQueues).queueFor('diagnostic').getJob(id);

  async function sweepMetric(name: string, sweep: SweepName, extra = ''): Promise<number> {
    const text = (await http().get('/metrics').expect(200)).text;
    const line = text
      .split('\n')
      .find((l) => l.startsWith(`${name}{`) && l.includes(`sweep="${sweep}"`) && l.includes(extra));
    return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
  }

  return {
    app,
    http,
    /** The app's database (from beforeAll on). */
    ds: { query: (sql: string, params?: unknown[]) => ds().query(sql, params) },
    /** The app's SweepsService (from beforeAll on). */
    sweeps: { run: (sweep: SweepName) => app.t.app.get(SweepsService).run(sweep) },
    seed,
    row,
    untilStatus,
    retryable,
    permanent,
    job,
    sweepMetric,
  };
}
