import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { Principal } from '../../../common/auth/principal';
import { InvalidFieldsException } from '../../../common/http/validation';
import { TasksService } from '../../tasks/tasks.service';
import type { CreateEmailJobDto, EmailJobDryRunDto, EmailJobDto } from '../dto/email-job.dto';
import { EMAIL_TASK } from '../dto/email-finding.input';
import { EmailJobClaims } from './email-job-claims';
import { EmailJobFeeder } from './email-job-feeder';
import { EmailJobProgress } from './email-job-progress';
import { DEFAULT_BATCH_SIZE, DEFAULT_MAX_CONCURRENT, type JobRow } from './email-job-row';

/**
 * Creating a job: its items validated, its leads claimed in the transaction that stores it,
 * and starting it (pending → running: its first items queued by EmailJobFeeder).
 */
@Injectable()
export class EmailJobCreate {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly tasks: TasksService,
    private readonly claims: EmailJobClaims,
    private readonly progress: EmailJobProgress,
    private readonly feeder: EmailJobFeeder,
  ) {}

  async create(
    body: CreateEmailJobDto,
    caller: Principal,
    traceId: string,
  ): Promise<EmailJobDto | EmailJobDryRunDto> {
    const tenant = caller.tenant ?? '';
    const kinds = (['all', 'lead_ids', 'domains', 'rows'] as const).filter((k) =>
      k === 'all' ? body.all === true : body[k] !== undefined,
    );
    if (kinds.length !== 1)
      throw new InvalidFieldsException([
        { field: 'all', message: 'give exactly one of all, lead_ids, domains, rows' },
      ]);
    const kind = { all: 'all', lead_ids: 'leads', domains: 'domains', rows: 'rows' }[kinds[0]];
    let items = await this.claims.items(body, tenant);
    const before = items.length;
    if (body.skip_existing !== false) items = await this.claims.withoutFound(items, tenant);
    let skipped = before - items.length;
    if (body.limit) items = items.slice(0, body.limit);
    const extra = Object.fromEntries(
      Object.entries({ max_emails: body.max_emails, min_score: body.min_score }).filter(
        ([, v]) => v !== undefined,
      ),
    );
    const payloads = () => items.map((i) => ({ ...i.payload, ...extra }));
    const options = {
      max_concurrent: body.max_concurrent ?? DEFAULT_MAX_CONCURRENT,
      batch_size: body.batch_size ?? DEFAULT_BATCH_SIZE,
      skip_existing: body.skip_existing !== false,
      on_conflict: body.on_conflict ?? 'fail',
      ...(body.limit ? { limit: body.limit } : {}),
      ...extra,
    };

    // Every input is validated (a 400 naming `payloads[i]`) before anything is stored.
    const estimate = async () =>
      items.length
        ? (await this.tasks.createBatch(EMAIL_TASK, payloads(), { dryRun: true }, traceId, caller))
            .estimate
        : { calls: 0, cost_min_usd: 0, cost_max_usd: 0 };
    const checked = await estimate();
    await this.claims.releaseFinishedHolders(tenant, items);
    if (body.dry_run) {
      const held = await this.claims.holders(tenant, items);
      if (held.size && options.on_conflict === 'fail') throw this.claims.conflict(held);
      items = items.filter((i) => !i.leadId || !held.has(i.leadId));
      skipped += held.size;
      return {
        dry_run: true,
        total: items.length,
        skipped,
        estimate: held.size ? await estimate() : checked,
      };
    }

    const id = randomUUID();
    await this.ds.transaction(async (em) => {
      // Its tasks all go into one batch, queued a few at a time (EmailJobFeeder).
      await em.query(
        `INSERT INTO email_jobs (id, tenant_id, kind, options, state, batch_ids)
         VALUES ($1, $2, $3, $4, 'pending', ARRAY[$5::uuid])`,
        [id, tenant, kind, JSON.stringify(options), randomUUID()],
      );
      // Claimed in one order (sorted), so two jobs over the same leads never deadlock.
      const leads = [...new Set(items.flatMap((i) => (i.leadId ? [i.leadId] : [])))].sort();
      if (leads.length) {
        const claimed: Array<{ lead_id: string }> = await em.query(
          `INSERT INTO email_job_claims (tenant_id, lead_id, job_id)
           SELECT $1, l, $3 FROM unnest($2::uuid[]) AS l ORDER BY l
           ON CONFLICT (tenant_id, lead_id) DO NOTHING RETURNING lead_id`,
          [tenant, leads, id],
        );
        const mine = new Set(claimed.map((c) => c.lead_id));
        if (mine.size < leads.length) {
          // 'fail': rolled back with the job; the caller is told which job holds the leads.
          if (options.on_conflict === 'fail')
            throw this.claims.conflict(await this.claims.holders(tenant, items, em));
          skipped += leads.length - mine.size;
          items = items.filter((i) => !i.leadId || mine.has(i.leadId));
        }
      }
      await em.query(`UPDATE email_jobs SET items = $2, total = $3, skipped = $4 WHERE id = $1`, [
        id,
        JSON.stringify(payloads()),
        items.length,
        skipped,
      ]);
    });
    await this.start(id, traceId);
    return this.progress.get(id, caller);
  }

  /**
   * pending → running, and its first items queued (EmailJobFeeder). A job with no items is
   * completed at once. Only one caller starts a job (the state changes in one update); a crash
   * before the first items are queued leaves a running job without tasks, which the sweep feeds.
   */
  async start(id: string, traceId: string): Promise<void> {
    const [[row]]: [JobRow[]] = await this.ds.query(
      `UPDATE email_jobs SET state = 'running', started_at = COALESCE(started_at, now()),
              error_message = NULL, updated_at = now()
        WHERE id = $1 AND state = 'pending' RETURNING *`,
      [id],
    );
    if (!row) return;
    if (row.total === 0) return this.progress.finish(id, 'completed', null);
    await this.feeder.feed(id, traceId);
  }
}
