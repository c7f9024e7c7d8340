import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { outboundUrlProblem } from '../../common/net/ssrf-guard';
import { TaskCallbacks } from '../tasks/engine/task-callbacks';
import { TaskRegistry } from '../tasks/engine/task-registry';
import type { TaskEntity, TaskProgress } from '../tasks/task.entity';
import { CallbackDeliveryEntity } from './callback-delivery.entity';
import {
  EnvelopeOptions,
  finalEnvelopes,
  PlannedDelivery,
  progressEnvelope,
} from './callback-envelope.mapper';
import { CallbackQueue } from './callback-queue';
import { CallbackSettings } from './callback-settings';
import { CallbacksRepository } from './callbacks.repository';

const MAX_URL_LENGTH = 2048;

/**
 * The transactional outbox: the task engine calls it inside the transaction that records a
 * task's end, so the delivery rows commit (or roll back) with the end itself; after commit the
 * rows are handed to the relay (the callbacks queue). A crash in between loses nothing: the
 * callbacks sweep queues due rows that have no job.
 */
@Injectable()
export class CallbackOutbox extends TaskCallbacks {
  private readonly logger = new Logger(CallbackOutbox.name);

  constructor(
    private readonly settings: CallbackSettings,
    private readonly registry: TaskRegistry,
    private readonly repo: CallbacksRepository,
    private readonly queue: CallbackQueue,
  ) {
    super();
  }

  private target(task: Pick<TaskEntity, 'callbackUrl'>): string | null {
    return task.callbackUrl || this.settings.defaultUrl;
  }

  wanted(task: Pick<TaskEntity, 'callbackUrl'>): boolean {
    return this.target(task) !== null;
  }

  urlProblem(url: unknown): string | null {
    if (typeof url !== 'string' || !url) return 'callback_url must be an http(s) URL';
    if (url.length > MAX_URL_LENGTH) {
      return `callback_url must be at most ${MAX_URL_LENGTH} characters`;
    }
    if (!this.settings.signer) {
      return (
        'callback_url cannot be used: callbacks are signed and this server has no ' +
        'CALLBACK_SIGNING_SECRET (its operator must set one; see docs/callbacks.md)'
      );
    }
    const problem = outboundUrlProblem(url, this.settings.allowList);
    return problem ? `callback_url ${problem}` : null;
  }

  async stageEnd(task: TaskEntity, em: EntityManager): Promise<string[]> {
    const url = this.target(task);
    if (!url) return [];
    const rows = this.rows(task, url, finalEnvelopes(task, this.envelopeOptions(task.type)));
    await this.repo.insertMany(rows, em);
    // Later pages are queued one by one as the page before them is delivered.
    return rows.filter((r) => r.page === null || r.page === 1).map((r) => r.id!);
  }

  async relay(ids: string[]): Promise<void> {
    try {
      await this.queue.add(ids);
    } catch (err) {
      this.logger.warn(
        `stored ${ids.length} callback(s) but could not queue them (${(err as Error).message}); the callbacks sweep will`,
      );
    }
  }

  async stageChanged(task: TaskEntity, stage: string, progress: TaskProgress): Promise<void> {
    if ((task.input as { callback_progress?: unknown })?.callback_progress !== true) return;
    const url = this.target(task);
    if (!url) return;
    const rows = this.rows(task, url, [
      progressEnvelope(task, stage, progress, this.envelopeOptions(task.type)),
    ]);
    await this.repo.insertMany(rows);
    await this.relay(rows.map((r) => r.id!));
  }

  /** Queues due deliveries that have no job (the callbacks sweep); returns how many. */
  async requeueDue(limit: number): Promise<number> {
    const due = await this.repo.findDue(limit);
    return this.queue.addMissing(due.map((d) => d.id));
  }

  /** Deletes finished deliveries older than the tasks' retention (0 days = keep them). */
  purgeFinished(retentionDays: number, limit: number): Promise<number> {
    if (!retentionDays) return Promise.resolve(0);
    return this.repo.deleteFinishedBefore(new Date(Date.now() - retentionDays * 86_400_000), limit);
  }

  private envelopeOptions(taskType: string): EnvelopeOptions {
    const type = this.registry.get(taskType);
    return {
      enrichmentType: type?.enrichmentType ?? taskType,
      pageSize: this.settings.pageSize,
      pages: type?.callbackPages,
    };
  }

  private rows(
    task: TaskEntity,
    url: string,
    planned: PlannedDelivery[],
  ): Partial<CallbackDeliveryEntity>[] {
    const eventId = `evt_${randomUUID()}`;
    return planned.map((p) => ({
      id: `msg_${randomUUID()}`,
      taskId: task.id,
      eventId,
      event: p.event,
      url,
      payload: p.payload,
      page: p.page,
      totalPages: p.totalPages,
      status: 'pending',
    }));
  }
}
