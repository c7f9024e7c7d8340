import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { Principal } from '../../../common/auth/principal';
import { cursorParam, Page, toPage } from '../../../common/http/paging';
import { InvalidFieldsException } from '../../../common/http/validation';
import { TasksService } from '../../tasks/tasks.service';
import type {
  CreateEmailJobDto,
  EmailJobDryRunDto,
  EmailJobDto,
  EmailStatsDto,
  JobState,
  ListEmailJobsQueryDto,
} from '../dto/email-job.dto';
import { emailDomain } from '../dto/email-finding.input';
import { EMAIL_TASK } from '../finding/email-finding.task';
import { JobCounts, jobOutcome } from './job-outcome';

interface JobRow {
  id: string;
  tenant_id: string;
  kind: string;
  options: Record<string, unknown>;
  state: JobState;
  items: Array<Record<string, unknown>>;
  batch_ids: string[];
  superseded: string[];
  replaced: number;
  total: number;
  skipped: number;
  summary: Partial<Summary>;
  error_message: string | null;
  created_at: Date;
  started_at: Date | null;
  completed_at: Date | null;
}

interface Summary extends JobCounts {
  providers: Record<string, { calls: number; cost_usd: number }>;
  cost_usd: number;
}

/** One unit of a job: an `email_finding` input, and the lead it works on (claimed) if any. */
interface Item {
  payload: Record<string, unknown>;
  leadId: string | null;
}

const ACTIVE: JobState[] = ['pending', 'running'];
/** Items of one job at most (`all` takes the first this many leads). */
const MAX_ITEMS = 10_000;
/** A running job whose row has not changed for this long is reset to pending by the sweep. */
export const JOB_STUCK_AFTER_MS = 10 * 60_000;
/** A pending job not started for this long was left by a process that died: the sweep starts it. */
const ORPHAN_AFTER_MS = 60_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);
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
 */
@Injectable()
export class EmailJobsService {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly tasks: TasksService,
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
    let items = await this.items(body, tenant);
    const before = items.length;
    if (body.skip_existing !== false) items = await this.withoutFound(items, tenant);
    let skipped = before - items.length;
    if (body.limit) items = items.slice(0, body.limit);
    const extra = Object.fromEntries(
      Object.entries({ max_emails: body.max_emails, min_score: body.min_score }).filter(
        ([, v]) => v !== undefined,
      ),
    );
    const payloads = () => items.map((i) => ({ ...i.payload, ...extra }));
    const options = {
      max_concurrent: body.max_concurrent ?? 5,
      batch_size: body.batch_size ?? 50,
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
    await this.releaseFinishedHolders(tenant, items);
    if (body.dry_run) {
      const held = await this.holders(tenant, items);
      if (held.size && options.on_conflict === 'fail') throw this.conflict(held);
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
      await em.query(
        `INSERT INTO email_jobs (id, tenant_id, kind, options, state) VALUES ($1, $2, $3, $4, 'pending')`,
        [id, tenant, kind, JSON.stringify(options)],
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
            throw this.conflict(await this.holders(tenant, items, em));
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
    return this.get(id, caller);
  }

  /**
   * pending → running: the job's items not yet run become a task batch. A job with no items
   * is completed at once. Only one caller starts a job (the state changes in one update); a
   * crash before the batch is stored leaves a running job without tasks, which the sweep resets
   * to pending once it has not changed for JOB_STUCK_AFTER_MS.
   */
  async start(id: string, traceId: string): Promise<void> {
    const [[row]]: [JobRow[]] = await this.ds.query(
      `UPDATE email_jobs SET state = 'running', started_at = COALESCE(started_at, now()),
              error_message = NULL, updated_at = now()
        WHERE id = $1 AND state = 'pending' RETURNING *`,
      [id],
    );
    if (!row) return;
    const payloads = await this.notRun(row);
    if (!payloads.length) {
      if (!row.batch_ids.length) await this.finish(id, 'completed', null);
      return;
    }
    const caller: Principal = {
      method: 'none',
      tenant: row.tenant_id === '' ? null : row.tenant_id,
      subject: `email_job:${id}`,
    };
    const { batchId } = await this.tasks.createBatch(EMAIL_TASK, payloads, {}, traceId, caller);
    await this.ds.query(
      `UPDATE email_jobs SET batch_ids = array_append(batch_ids, $2::uuid), updated_at = now()
        WHERE id = $1`,
      [id, batchId],
    );
  }

  /**
   * What a start runs: every item when the job has no batch yet; after a pause, the inputs of
   * the tasks the pause cancelled (superseded) and no batch has run again (from `replaced` on).
   */
  private async notRun(row: JobRow): Promise<Array<Record<string, unknown>>> {
    if (!row.batch_ids.length) return row.items;
    const again = row.superseded.slice(row.replaced);
    if (!again.length) return [];
    const rows: Array<{ input: Record<string, unknown> }> = await this.ds.query(
      `SELECT input FROM tasks WHERE id = ANY($1::uuid[]) ORDER BY created_at, id`,
      [again],
    );
    await this.ds.query(`UPDATE email_jobs SET replaced = $2 WHERE id = $1`, [
      row.id,
      row.superseded.length,
    ]);
    return rows.map((r) => r.input);
  }

  /** running → paused: its queued tasks are cancelled by the engine (running ones finish). */
  async pause(id: string, caller: Principal): Promise<EmailJobDto> {
    const job = await this.get(id, caller);
    if (job.state !== 'running')
      throw new ConflictException({
        detail: `Only running jobs can be paused; this one is ${job.state}`,
        status_now: job.state,
      });
    const [[paused]]: [JobRow[]] = await this.ds.query(
      `UPDATE email_jobs SET state = 'paused', updated_at = now() WHERE id = $1 AND state = 'running'
        RETURNING *`,
      [id],
    );
    if (paused) {
      const queued: Array<{ id: string }> = await this.ds.query(
        `SELECT id FROM tasks WHERE batch_id = ANY($1::uuid[]) AND status = 'queued'`,
        [paused.batch_ids],
      );
      const cancelled: string[] = [];
      for (const t of queued) {
        const out = await this.tasks.cancel(t.id, caller).catch((e: unknown) => {
          if (e instanceof ConflictException) return null;
          throw e;
        });
        if (out && !out.pending) cancelled.push(t.id);
      }
      await this.ds.query(
        `UPDATE email_jobs SET superseded = superseded || $2::uuid[] WHERE id = $1`,
        [id, cancelled],
      );
    }
    return this.get(id, caller);
  }

  /** paused → pending, and started again: the items a pause cancelled become a new batch. */
  async resume(id: string, caller: Principal, traceId: string): Promise<EmailJobDto> {
    const job = await this.get(id, caller);
    const [[row]]: [JobRow[]] = await this.ds.query(
      `UPDATE email_jobs SET state = 'pending', updated_at = now() WHERE id = $1 AND state = 'paused'
        RETURNING *`,
      [id],
    );
    if (!row)
      throw new ConflictException({
        detail: `Only paused jobs can be resumed; this one is ${job.state}`,
        status_now: job.state,
      });
    await this.start(id, traceId);
    return this.get(id, caller);
  }

  /**
   * The maintenance sweep: running jobs unchanged for JOB_STUCK_AFTER_MS are reset to pending
   * (part C) and started again (their items without a task become a batch); active jobs whose
   * tasks have all ended get their outcome and release their leads.
   */
  async sweep(stuckAfterMs = JOB_STUCK_AFTER_MS): Promise<number> {
    const [stuck]: [Array<{ id: string }>] = await this.ds.query(
      `UPDATE email_jobs SET state = 'pending', updated_at = now(),
              error_message = 'requeued: not updated for ' || $1::int / 1000 || ' s'
        WHERE state = 'running' AND updated_at < now() - make_interval(secs => $1::int / 1000.0)
        RETURNING id`,
      [stuckAfterMs],
    );
    // …and pending jobs nobody started: their creator (or a resume) died before starting them.
    const orphans: Array<{ id: string }> = await this.ds.query(
      `SELECT id FROM email_jobs
        WHERE state = 'pending' AND updated_at < now() - make_interval(secs => $1::int / 1000.0)`,
      [ORPHAN_AFTER_MS],
    );
    for (const j of [...stuck, ...orphans]) await this.start(j.id, `sweep-email-jobs-${j.id}`);
    const active: JobRow[] = await this.ds.query(
      `SELECT * FROM email_jobs WHERE state = 'running' ORDER BY updated_at LIMIT 500`,
    );
    let ended = 0;
    for (const r of active) if (!ACTIVE.includes((await this.refresh(r)).state)) ended++;
    return stuck.length + orphans.length + ended;
  }

  async get(id: string, caller: Principal): Promise<EmailJobDto> {
    const row = UUID.test(id) ? await this.row(id) : null;
    if (!row || (caller.tenant !== null && row.tenant_id !== caller.tenant))
      throw new NotFoundException({ detail: `No email job ${id}` });
    return this.view(await this.refresh(row));
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
    const fresh = await Promise.all(rows.map((r) => this.refresh(r)));
    const page = toPage(
      fresh,
      limit,
      (r) => r,
      (r) => encodeCursor(r.id),
    );
    const items = await Promise.all(page.items.map((r) => this.view(r)));
    return {
      items: q.state ? items.filter((i) => i.state === q.state) : items,
      next_cursor: page.next_cursor,
    };
  }

  /** pending or running → cancelled: the job's queued and running tasks are cancelled by the engine. */
  async cancel(id: string, caller: Principal): Promise<EmailJobDto> {
    const job = await this.get(id, caller);
    if (![...ACTIVE, 'paused'].includes(job.state))
      throw new ConflictException({
        detail: `Only pending, running or paused jobs can be cancelled; this one is ${job.state}`,
        status_now: job.state,
      });
    const open: Array<{ id: string }> = await this.ds.query(
      `SELECT id FROM tasks WHERE batch_id = ANY($1::uuid[]) AND status IN ('queued', 'running')`,
      [job.batch_ids],
    );
    for (const t of open) {
      await this.tasks.cancel(t.id, caller).catch((e: unknown) => {
        // It ended meanwhile: nothing to cancel.
        if (!(e instanceof ConflictException)) throw e;
      });
    }
    await this.finish(id, 'cancelled', null);
    return this.get(id, caller);
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

  /** The job's items from the request, in its order, duplicates removed. */
  private async items(body: CreateEmailJobDto, tenant: string): Promise<Item[]> {
    if (body.domains) {
      const bad = body.domains.findIndex((d) => !emailDomain(d));
      if (bad >= 0)
        throw new InvalidFieldsException([{ field: `domains[${bad}]`, message: 'not a domain' }]);
      const domains = [...new Set(body.domains.map((d) => emailDomain(d)!))];
      return domains.map((domain) => ({ payload: { domain }, leadId: null }));
    }
    if (body.lead_ids)
      return [...new Set(body.lead_ids.map((l) => l.toLowerCase()))].map((lead_id) => ({
        payload: { lead_id },
        leadId: lead_id,
      }));
    if (body.rows)
      return body.rows.map((r) => {
        const leadId = typeof r.lead_id === 'string' && UUID.test(r.lead_id) ? r.lead_id : null;
        return { payload: { ...r }, leadId: leadId?.toLowerCase() ?? null };
      });
    // `all`: the tenant's leads without a deliverable stored address (whatever skip_existing says).
    const leads: Array<{ id: string }> = await this.ds.query(
      `SELECT l.id FROM leads l
        WHERE l.tenant_id = $1
          AND NOT EXISTS (SELECT 1 FROM emails e WHERE e.tenant_id = l.tenant_id
                            AND e.lead_uuid = l.id AND e.status = 'deliverable' AND e.active)
        ORDER BY l.created_at, l.id LIMIT $2`,
      [tenant, body.limit ?? MAX_ITEMS],
    );
    return leads.map((l) => ({ payload: { lead_id: l.id }, leadId: l.id }));
  }

  /** Leads with a stored deliverable address left out. */
  private async withoutFound(items: Item[], tenant: string): Promise<Item[]> {
    const leads = items.flatMap((i) => (i.leadId ? [i.leadId] : []));
    if (!leads.length) return items;
    const found: Array<{ lead_uuid: string }> = await this.ds.query(
      `SELECT DISTINCT lead_uuid FROM emails WHERE tenant_id = $1 AND lead_uuid = ANY($2::uuid[])
         AND status = 'deliverable' AND active`,
      [tenant, leads],
    );
    const has = new Set(found.map((f) => f.lead_uuid));
    return items.filter((i) => !i.leadId || !has.has(i.leadId));
  }

  /** lead id → the active job that holds it. */
  private async holders(
    tenant: string,
    items: Item[],
    q: Pick<DataSource, 'query'> = this.ds,
  ): Promise<Map<string, string>> {
    const leads = items.flatMap((i) => (i.leadId ? [i.leadId] : []));
    if (!leads.length) return new Map();
    const rows: Array<{ lead_id: string; job_id: string }> = await q.query(
      `SELECT lead_id, job_id FROM email_job_claims WHERE tenant_id = $1 AND lead_id = ANY($2::uuid[])`,
      [tenant, leads],
    );
    return new Map(rows.map((r) => [r.lead_id, r.job_id]));
  }

  /** Jobs holding some of these leads whose tasks have all ended give their claims up now. */
  private async releaseFinishedHolders(tenant: string, items: Item[]): Promise<void> {
    const jobs = new Set((await this.holders(tenant, items)).values());
    for (const id of jobs) {
      const row = await this.row(id);
      if (row) await this.refresh(row);
    }
  }

  private conflict(held: Map<string, string>): ConflictException {
    const jobs = [...new Set(held.values())];
    return new ConflictException({
      detail: `${held.size} of these leads are being worked on by email job ${jobs.join(', ')}; wait for it, or send on_conflict: "skip"`,
      job_id: jobs[0],
      job_ids: jobs,
      leads_held: held.size,
    });
  }

  private async row(id: string): Promise<JobRow | null> {
    const [row] = await this.ds.query(`SELECT * FROM email_jobs WHERE id = $1`, [id]);
    return (row as JobRow | undefined) ?? null;
  }

  /** A running job's counts from its tasks; once they have all ended, its outcome. */
  private async refresh(row: JobRow): Promise<JobRow> {
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
  private async finish(id: string, state: JobState, error: string | null): Promise<void> {
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
    const args = [row.batch_ids, row.superseded];
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
           FROM tasks WHERE batch_id = ANY($1::uuid[]) AND NOT (id = ANY($2::uuid[]))
          GROUP BY status, error->>'code'`,
      args,
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

  private async view(r: JobRow): Promise<EmailJobDto> {
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

const round = (n: number) => Math.round(n * 1e6) / 1e6;
