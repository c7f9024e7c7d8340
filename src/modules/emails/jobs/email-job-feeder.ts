import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { Principal } from '../../../common/auth/principal';
import { TasksService } from '../../tasks/tasks.service';
import { EMAIL_TASK } from '../dto/email-finding.input';
import { EmailJobProgress } from './email-job-progress';
import { DEFAULT_BATCH_SIZE, DEFAULT_MAX_CONCURRENT } from './email-job-row';

/**
 * Queues a running job's items a few at a time (docs/emails.md "Jobs"): at most `max_concurrent`
 * of its tasks are queued or running at once, added to the job's one task batch in slices of at
 * most `batch_size`. It runs when the job starts, each time one of its tasks ends (the
 * `email_finding` task's `ended` hook) and on every sweep (the backstop for a lost hook).
 *
 * How many items are queued already is read from the tasks themselves (the batch's task count),
 * never kept as a counter: a crash between storing tasks and updating the job cannot skip or
 * repeat an item. Two feeders of one job are serialised by its row lock; in one process, feeds
 * run one at a time (each holds a connection for the lock and takes a second one to store tasks,
 * so parallel feeds could take the whole pool).
 */
@Injectable()
export class EmailJobFeeder {
  private readonly logger = new Logger(EmailJobFeeder.name);
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly tasks: TasksService,
    private readonly progress: EmailJobProgress,
  ) {}

  /** A task of `batchId` ended: feed the running job it belongs to, if any. Never throws. */
  async taskEnded(batchId: string, traceId: string): Promise<void> {
    try {
      const jobs: Array<{ id: string }> = await this.ds.query(
        `SELECT id FROM email_jobs WHERE state = 'running' AND $1::uuid = ANY(batch_ids)`,
        [batchId],
      );
      for (const j of jobs) await this.feed(j.id, traceId);
    } catch (err) {
      // The sweep feeds the job later.
      this.logger.warn(`email job of batch ${batchId} not fed: ${(err as Error).message}`);
    }
  }

  /** Queues the job's next items (see the class). Returns how many; 0 when not running. */
  feed(jobId: string, traceId: string): Promise<number> {
    const next = this.chain.then(() => this.feedNow(jobId, traceId));
    this.chain = next.catch(() => undefined);
    return next;
  }

  private async feedNow(jobId: string, traceId: string): Promise<number> {
    const fed = await this.ds.transaction(async (em) => {
      const [row]: Array<{
        tenant_id: string;
        state: string;
        options: { max_concurrent?: number; batch_size?: number };
        batch_ids: string[];
        total: number;
      }> = await em.query(
        `SELECT tenant_id, state, options, batch_ids, total FROM email_jobs WHERE id = $1 FOR UPDATE`,
        [jobId],
      );
      if (!row || row.state !== 'running') return { queued: 0, done: false };
      let batchIds = row.batch_ids;
      if (!batchIds.length) {
        batchIds = [randomUUID()];
        await em.query(`UPDATE email_jobs SET batch_ids = $2::uuid[] WHERE id = $1`, [
          jobId,
          batchIds,
        ]);
      }
      const [count]: Array<{ created: number; open: number }> = await em.query(
        `SELECT count(*)::int AS created,
                count(*) FILTER (WHERE status IN ('queued', 'running'))::int AS open
           FROM tasks WHERE batch_id = ANY($1::uuid[])`,
        [batchIds],
      );
      const maxConcurrent = row.options.max_concurrent ?? DEFAULT_MAX_CONCURRENT;
      const batchSize = row.options.batch_size ?? DEFAULT_BATCH_SIZE;
      const n = Math.min(maxConcurrent - count.open, row.total - count.created, batchSize);
      if (n <= 0) return { queued: 0, done: count.created >= row.total && count.open === 0 };
      const [{ slice }]: Array<{ slice: Array<Record<string, unknown>> }> = await em.query(
        `SELECT COALESCE(jsonb_agg(e ORDER BY i), '[]') AS slice
           FROM email_jobs, jsonb_array_elements(items) WITH ORDINALITY AS t(e, i)
          WHERE id = $1 AND i > $2 AND i <= $3`,
        [jobId, count.created, count.created + n],
      );
      const caller: Principal = {
        method: 'none',
        tenant: row.tenant_id === '' ? null : row.tenant_id,
        subject: `email_job:${jobId}`,
      };
      await this.tasks.createBatch(EMAIL_TASK, slice, { batchId: batchIds[0] }, traceId, caller);
      // The job moved: the stuck sweep measures from here.
      await em.query(`UPDATE email_jobs SET updated_at = now() WHERE id = $1`, [jobId]);
      return { queued: slice.length, done: false };
    });
    // Nothing left to queue or run: the job's outcome now, not at the next read or sweep.
    if (fed.done) {
      const row = await this.progress.row(jobId);
      if (row) await this.progress.refresh(row);
    }
    return fed.queued;
  }
}
