import { Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Principal } from '../../../common/auth/principal';
import type { EmailJobDto, JobState } from '../dto/email-job.dto';
import { JobRow, Summary, UUID } from './email-job-row';
import { jobOutcome } from './job-outcome';

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);
const round = (n: number) => Math.round(n * 1e6) / 1e6;

/**
 * A job's row and its progress, counted from its tasks (`tasks` and `provider_calls` by batch);
 * once every task has ended, its outcome (`jobOutcome`) and its claims released (`finish`).
 */
@Injectable()
export class EmailJobProgress {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async get(id: string, caller: Principal): Promise<EmailJobDto> {
    const row = UUID.test(id) ? await this.row(id) : null;
    if (!row || (caller.tenant !== null && row.tenant_id !== caller.tenant))
      throw new NotFoundException({ detail: `No email job ${id}` });
    return this.view(await this.refresh(row));
  }

  async row(id: string): Promise<JobRow | null> {
    const [row] = await this.ds.query(`SELECT * FROM email_jobs WHERE id = $1`, [id]);
    return (row as JobRow | undefined) ?? null;
  }

  /** A running job's counts from its tasks; once they have all ended, its outcome. */
  async refresh(row: JobRow): Promise<JobRow> {
    if (row.state !== 'running' || !row.batch_ids.length) return row;
    const summary = await this.summary(row);
    const changed = JSON.stringify(summary) !== JSON.stringify(row.summary);
    if (summary.processed < row.total) {
      // updated_at moves only when the counts do: a job whose tasks stand still looks stuck.
      if (changed)
        await this.ds.query(
          `UPDATE email_jobs SET summary = $2, updated_at = now() WHERE id = $1 AND state = 'running'`,
          [row.id, JSON.stringify(summary)],
        );
      return { ...row, summary };
    }
    const outcome = jobOutcome(summary);
    await this.ds.query(`UPDATE email_jobs SET summary = $2 WHERE id = $1`, [
      row.id,
      JSON.stringify(summary),
    ]);
    await this.finish(row.id, outcome.state, outcome.error_message);
    return (await this.row(row.id))!;
  }

  /** → a final state (only from an active one), and its claims released. */
  async finish(id: string, state: JobState, error: string | null): Promise<void> {
    await this.ds.transaction(async (em) => {
      await em.query(
        `UPDATE email_jobs SET state = $2, error_message = $3, completed_at = now(), updated_at = now()
          WHERE id = $1 AND state IN ('pending', 'running', 'paused')`,
        [id, state, error],
      );
      await em.query(`DELETE FROM email_job_claims WHERE job_id = $1`, [id]);
    });
  }

  private async summary(row: JobRow): Promise<Summary> {
    const tasks: Array<{
      status: string;
      code: string | null;
      n: number;
      found: number;
      cost: string;
    }> = await this.ds.query(
      `SELECT status, error->>'code' AS code, count(*)::int AS n,
                count(*) FILTER (WHERE jsonb_array_length(COALESCE(result->'emails', '[]')) > 0)::int AS found,
                COALESCE(sum(cost_usd), 0) AS cost
           FROM tasks WHERE batch_id = ANY($1::uuid[])
          GROUP BY status, error->>'code'`,
      [row.batch_ids],
    );
    const calls: Array<{ provider: string; calls: number; live: number; cost: string }> =
      await this.ds.query(
        `SELECT c.provider, count(*)::int AS calls, count(*) FILTER (WHERE NOT c.cached)::int AS live,
                COALESCE(sum(c.cost_usd), 0) AS cost
           FROM provider_calls c JOIN tasks t ON t.id = c.task_id
          WHERE t.batch_id = ANY($1::uuid[]) GROUP BY c.provider`,
        [row.batch_ids],
      );
    const s: Summary = {
      total: row.total,
      processed: 0,
      succeeded: 0,
      found: 0,
      errors: {},
      apiCalls: calls.reduce((a, c) => a + c.live, 0),
      providers: Object.fromEntries(
        calls.map((c) => [c.provider, { calls: c.calls, cost_usd: round(Number(c.cost)) }]),
      ),
      cost_usd: 0,
    };
    for (const t of tasks) {
      s.cost_usd += Number(t.cost);
      if (t.status === 'queued' || t.status === 'running') continue;
      s.processed += t.n;
      s.found += t.found;
      if (t.status === 'succeeded') s.succeeded += t.n;
      else if (t.status === 'failed')
        s.errors[t.code ?? 'INTERNAL'] = (s.errors[t.code ?? 'INTERNAL'] ?? 0) + t.n;
    }
    s.cost_usd = round(s.cost_usd);
    return s;
  }

  async view(r: JobRow): Promise<EmailJobDto> {
    const s = r.summary ?? {};
    const processed = s.processed ?? 0;
    const emails: Array<{ n: number }> = await this.ds.query(
      `SELECT COALESCE(sum(jsonb_array_length(COALESCE(result->'emails', '[]'))), 0)::int AS n
         FROM tasks WHERE batch_id = ANY($1::uuid[]) AND status = 'succeeded'`,
      [r.batch_ids],
    );
    return {
      id: r.id,
      kind: r.kind,
      state: r.state,
      options: r.options,
      progress: {
        processed,
        total: r.total,
        percent: r.total ? Math.round((processed / r.total) * 1000) / 10 : 100,
      },
      skipped: r.skipped,
      emails_found: emails[0].n,
      succeeded: s.succeeded ?? 0,
      errors: s.errors ?? {},
      providers: s.providers ?? {},
      cost_usd: s.cost_usd ?? 0,
      batch_ids: r.batch_ids,
      error_message: r.error_message,
      created_at: iso(r.created_at)!,
      started_at: iso(r.started_at),
      completed_at: iso(r.completed_at),
    };
  }
}
