import { ConflictException, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Principal } from '../../../common/auth/principal';
import { TasksService } from '../../tasks/tasks.service';
import type { EmailJobDto } from '../dto/email-job.dto';
import { EmailJobCreate } from './email-job-create';
import { EmailJobFeeder } from './email-job-feeder';
import { EmailJobProgress } from './email-job-progress';
import { ACTIVE, JOB_STUCK_AFTER_MS, JobRow, ORPHAN_AFTER_MS } from './email-job-row';

/**
 * A job's state changes (SEED-CONTRACTS part C): pause, resume, cancel through the task engine,
 * and the maintenance sweep (stuck and orphaned jobs started again, ended ones given their outcome).
 */
@Injectable()
export class EmailJobStates {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly tasks: TasksService,
    private readonly creation: EmailJobCreate,
    private readonly progress: EmailJobProgress,
    private readonly feeder: EmailJobFeeder,
  ) {}

  /**
   * running → paused: no more of its items are queued; the few already queued or running (at
   * most `max_concurrent`) finish. Resume queues the rest.
   */
  async pause(id: string, caller: Principal): Promise<EmailJobDto> {
    const job = await this.progress.get(id, caller);
    const [[paused]]: [JobRow[]] = await this.ds.query(
      `UPDATE email_jobs SET state = 'paused', updated_at = now() WHERE id = $1 AND state = 'running'
        RETURNING *`,
      [id],
    );
    if (!paused)
      throw new ConflictException({
        detail: `Only running jobs can be paused; this one is ${job.state}`,
        status_now: job.state,
      });
    return this.progress.get(id, caller);
  }

  /** paused → pending, and started again: its items not yet queued are fed again. */
  async resume(id: string, caller: Principal, traceId: string): Promise<EmailJobDto> {
    const job = await this.progress.get(id, caller);
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
    await this.creation.start(id, traceId);
    return this.progress.get(id, caller);
  }

  /**
   * The maintenance sweep: running jobs unchanged for JOB_STUCK_AFTER_MS are reset to pending
   * (part C) and started again; orphaned pending ones started; every running job fed (the
   * backstop for a task end whose hook was lost) and, once its tasks have all ended, given its
   * outcome, its leads released.
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
    for (const j of [...stuck, ...orphans])
      await this.creation.start(j.id, `sweep-email-jobs-${j.id}`);
    const active: JobRow[] = await this.ds.query(
      `SELECT * FROM email_jobs WHERE state = 'running' ORDER BY updated_at LIMIT 500`,
    );
    let ended = 0;
    for (const r of active) {
      await this.feeder.feed(r.id, `sweep-email-jobs-${r.id}`);
      const now = await this.progress.row(r.id);
      if (now && !ACTIVE.includes((await this.progress.refresh(now)).state)) ended++;
    }
    return stuck.length + orphans.length + ended;
  }

  /** pending or running → cancelled: the job's queued and running tasks are cancelled by the engine. */
  async cancel(id: string, caller: Principal): Promise<EmailJobDto> {
    const job = await this.progress.get(id, caller);
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
    await this.progress.finish(id, 'cancelled', null);
    return this.progress.get(id, caller);
  }
}
