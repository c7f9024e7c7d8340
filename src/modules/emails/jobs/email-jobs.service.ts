import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Principal } from '../../../common/auth/principal';
import { cursorParam, Page, toPage } from '../../../common/http/paging';
import type {
  CreateEmailJobDto,
  EmailJobDryRunDto,
  EmailJobDto,
  EmailStatsDto,
  ListEmailJobsQueryDto,
} from '../dto/email-job.dto';
import { EmailJobCreate } from './email-job-create';
import { EmailJobProgress } from './email-job-progress';
import { JobRow, UUID } from './email-job-row';
import { EmailJobStates } from './email-job-states';

export { JOB_STUCK_AFTER_MS } from './email-job-row';

const encodeCursor = (id: string) => Buffer.from(`email_job:${id}`).toString('base64url');
function decodeCursor(cursor: string): string | null {
  const raw = Buffer.from(cursor, 'base64url').toString('utf8');
  const id = raw.startsWith('email_job:') ? raw.slice(10) : '';
  return UUID.test(id) ? id : null;
}

/**
 * Batch email jobs (docs/emails.md "Jobs"): a job is a batch of `email_finding` tasks on the
 * task engine; its row keeps the request and, once every task has ended, the outcome (part C's
 * rules, `jobOutcome`). The leads it works on are claimed in `email_job_claims` in the same
 * transaction that stores the job, so two jobs never work on the same lead at once.
 *
 * What the controller and the sweep call; creating and starting is EmailJobCreate (its claims
 * EmailJobClaims), pause/resume/cancel and the sweep EmailJobStates, a job's counts and outcome
 * EmailJobProgress. Listing and the stats are read here.
 */
@Injectable()
export class EmailJobsService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly creation: EmailJobCreate,
    private readonly states: EmailJobStates,
    private readonly progress: EmailJobProgress,
  ) {}

  create(
    body: CreateEmailJobDto,
    caller: Principal,
    traceId: string,
  ): Promise<EmailJobDto | EmailJobDryRunDto> {
    return this.creation.create(body, caller, traceId);
  }

  /** pending → running (EmailJobCreate.start). */
  start(id: string, traceId: string): Promise<void> {
    return this.creation.start(id, traceId);
  }

  pause(id: string, caller: Principal): Promise<EmailJobDto> {
    return this.states.pause(id, caller);
  }

  resume(id: string, caller: Principal, traceId: string): Promise<EmailJobDto> {
    return this.states.resume(id, caller, traceId);
  }

  cancel(id: string, caller: Principal): Promise<EmailJobDto> {
    return this.states.cancel(id, caller);
  }

  /** The maintenance sweep (EmailJobStates.sweep). */
  sweep(stuckAfterMs?: number): Promise<number> {
    return this.states.sweep(stuckAfterMs);
  }

  get(id: string, caller: Principal): Promise<EmailJobDto> {
    return this.progress.get(id, caller);
  }

  async list(q: ListEmailJobsQueryDto, caller: Principal): Promise<Page<EmailJobDto>> {
    const limit = q.limit ?? 50;
    const after = cursorParam(q.cursor, decodeCursor);
    const rows: JobRow[] = await this.ds.query(
      `SELECT * FROM email_jobs
        WHERE ($1::text IS NULL OR tenant_id = $1) AND ($2::uuid IS NULL OR id > $2)
          AND ($4::text IS NULL OR state = $4)
        ORDER BY id LIMIT $3`,
      [caller.tenant, after ?? null, limit + 1, q.state ?? null],
    );
    const fresh = await Promise.all(rows.map((r) => this.progress.refresh(r)));
    const page = toPage(
      fresh,
      limit,
      (r) => r,
      (r) => encodeCursor(r.id),
    );
    const items = await Promise.all(page.items.map((r) => this.progress.view(r)));
    return {
      items: q.state ? items.filter((i) => i.state === q.state) : items,
      next_cursor: page.next_cursor,
    };
  }

  async stats(caller: Principal): Promise<EmailStatsDto> {
    const tenant = caller.tenant;
    const jobs: Array<{ state: string; n: number }> = await this.ds.query(
      `SELECT state, count(*)::int AS n FROM email_jobs
        WHERE $1::text IS NULL OR tenant_id = $1 GROUP BY state`,
      [tenant],
    );
    const emails: Array<{ status: string; n: number }> = await this.ds.query(
      `SELECT status, count(*)::int AS n FROM emails
        WHERE $1::text IS NULL OR tenant_id = $1 GROUP BY status`,
      [tenant],
    );
    const [{ n: domains }] = await this.ds.query(
      `SELECT count(DISTINCT domain)::int AS n FROM emails WHERE $1::text IS NULL OR tenant_id = $1`,
      [tenant],
    );
    return {
      jobs: Object.fromEntries(jobs.map((j) => [j.state, j.n])),
      emails: Object.fromEntries(emails.map((e) => [e.status, e.n])),
      domains,
    };
  }
}
