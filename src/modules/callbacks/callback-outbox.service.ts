import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { MetricsService } from '../../common/metrics/metrics.service';
import { outboundUrlProblem } from '../../common/net/ssrf-guard';
import { TaskCallbacks } from '../tasks/engine/task-callbacks';
import { TaskRegistry } from '../tasks/engine/task-registry';
import type { ProgressOptions, StreamOutcome } from '../tasks/engine/task-context';
import type { CallbackStream } from '../tasks/engine/task-type.decorator';
import type { TaskEntity, TaskProgress } from '../tasks/task.entity';
import { CallbackDeliveryEntity } from './callback-delivery.entity';
import {
  CALLBACK_SOURCE,
  EnvelopeOptions,
  finalEnvelopes,
  PlannedDelivery,
  progressEnvelope,
  streamEndEnvelope,
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
    metrics: MetricsService,
  ) {
    super();
    // The outbox backlog, read at scrape time.
    metrics.onCollect(async () => {
      const open = await this.repo.openCounts();
      for (const [status, n] of Object.entries(open)) metrics.callbacksOutbox.set({ status }, n);
    });
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
    const type = this.registry.get(task.type);
    const streams = type?.callbackStreams?.(task.input as never);
    if (streams) return this.streamsEnd(task, url, streams, em);
    const rows = this.rows(task, url, finalEnvelopes(task, this.envelopeOptions(task)));
    await this.repo.insertMany(rows, em);
    // Later pages are queued one by one as the page before them is delivered.
    return rows.filter((r) => r.page === null || r.page === 1).map((r) => r.id!);
  }

  /**
   * A per-entity task ended: every entity without a terminal callback yet gets one — the task's
   * failure or cancel (with the entity's own error when the task recorded one), or, for a task
   * that succeeded without announcing an entity (a reused result), what its result says of it.
   */
  private async streamsEnd(
    task: TaskEntity,
    url: string,
    streams: CallbackStream[],
    em: EntityManager,
  ): Promise<string[]> {
    const ended = await this.repo.endedStreams(task.id, task.retryRound ?? 0, em);
    const outcomes =
      task.status === 'succeeded'
        ? (this.registry.get(task.type)?.streamOutcomes?.(task.result, task.input as never) ?? [])
        : [];
    const opts = this.envelopeOptions(task);
    const rows: Partial<CallbackDeliveryEntity>[] = [];
    streams.forEach((stream, i) => {
      if (ended.has(String(i))) return;
      let outcome: Parameters<typeof streamEndEnvelope>[2] | null;
      if (task.status === 'succeeded') outcome = outcomes[i] ?? null;
      else {
        const own = task.error?.streams?.[String(i)];
        const error = own ? { ...own, at: task.error?.at } : task.error;
        outcome =
          task.status === 'cancelled'
            ? { status: 'cancelled', error }
            : { status: 'failed', error: error! };
      }
      if (!outcome) {
        this.logger.warn(
          `task ${task.id} ended without announcing entity ${i}; no callback for it`,
        );
        return;
      }
      rows.push(...this.rows(task, url, [streamEndEnvelope(task, stream, outcome, opts)], i));
    });
    return this.repo.insertMany(rows, em);
  }

  async relay(ids: string[]): Promise<void> {
    if (!ids.length) return;
    if (!(await this.queue.addOrDefer(ids))) {
      this.logger.warn(
        `stored ${ids.length} callback(s) but Redis cannot take them now; they are queued as soon as it can`,
      );
    }
  }

  /** Whether this task sends progress callbacks: its own choice, else its type's default. */
  private wantsProgress(task: TaskEntity): boolean {
    const own = (task.input as { callback_progress?: unknown } | null)?.callback_progress;
    if (own === false) return false;
    if (own === true) return true;
    return this.settings.progressDefault && !!this.registry.get(task.type)?.progressCallbacks;
  }

  async progressed(
    task: TaskEntity,
    stage: string,
    progress: TaskProgress,
    opts: ProgressOptions,
  ): Promise<void> {
    const url = this.target(task);
    if (!url || !this.wantsProgress(task)) return;
    let stream: CallbackStream | undefined;
    const streams = this.registry.get(task.type)?.callbackStreams?.(task.input as never);
    if (streams) {
      // A per-entity task reports only per entity: a callback without one would have no account_id.
      if (opts.stream === undefined || !streams[opts.stream]) return;
      stream = streams[opts.stream];
    }
    const key = opts.stream === undefined ? null : String(opts.stream);
    // One callback per stage, never going back (a retry re-reports the stages it skips).
    const last = await this.repo.lastOfStream(task.id, task.retryRound ?? 0, key);
    if (last) {
      if (last.event !== 'task.progress') return;
      if (last.stage === stage || progress.percent < last.percent) return;
    }
    const planned = progressEnvelope(task, stage, progress, this.envelopeOptions(task), {
      partial: opts.partial,
      stream,
    });
    const ids = await this.repo.insertMany(this.rows(task, url, [planned], opts.stream));
    await this.relay(ids);
  }

  async streamEnded(task: TaskEntity, stream: number, outcome: StreamOutcome): Promise<void> {
    const url = this.target(task);
    if (!url) return;
    const streams = this.registry.get(task.type)?.callbackStreams?.(task.input as never);
    const info = streams?.[stream];
    if (!info) throw new Error(`task type ${task.type} has no callback stream ${stream}`);
    const planned = streamEndEnvelope(task, info, outcome, this.envelopeOptions(task));
    const ids = await this.repo.insertMany(this.rows(task, url, [planned], stream));
    await this.relay(ids);
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

  private envelopeOptions(task: TaskEntity): EnvelopeOptions {
    const type = this.registry.get(task.type);
    const own = (task.input as { callback_raw_data?: unknown } | null)?.callback_raw_data;
    return {
      enrichmentType: type?.enrichmentType ?? task.type,
      source: type?.callbackSource ?? CALLBACK_SOURCE,
      pageSize: this.settings.pageSize,
      pages: type?.callbackPages,
      rawData: typeof own === 'boolean' ? own : this.settings.rawData,
    };
  }

  /**
   * Outbox rows of one announcement. A stream's terminal row carries the dedupe key that makes
   * it once per task and stream.
   */
  private rows(
    task: TaskEntity,
    url: string,
    planned: PlannedDelivery[],
    stream?: number,
  ): Partial<CallbackDeliveryEntity>[] {
    const eventId = `evt_${randomUUID()}`;
    return planned.map((p) => ({
      id: `msg_${randomUUID()}`,
      taskId: task.id,
      tenantId: task.tenantId ?? null,
      eventId,
      event: p.event,
      url,
      payload: p.payload,
      page: p.page,
      totalPages: p.totalPages,
      status: 'pending',
      round: task.retryRound ?? 0,
      streamKey: stream === undefined ? null : String(stream),
      // One terminal callback per entity and round, however often its end is announced.
      dedupeKey:
        stream !== undefined && p.event.startsWith('item.')
          ? `${task.id}:${task.retryRound ?? 0}:${stream}`
          : null,
    }));
  }
}
