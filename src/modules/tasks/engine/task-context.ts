import { Logger } from '@nestjs/common';
import type { TaskEntity, TaskProgress } from '../task.entity';
import type { TasksRepository } from '../tasks.repository';
import { TaskAbortedError } from './task-errors';

export interface ProgressOptions {
  counters?: Record<string, number>;
  /** Early partial results of this stage, sent as its progress callback's `processed_data`. */
  data?: Record<string, unknown>;
  /** Marks the progress callback `is_partial: true` (the seed's early LinkedIn callback). */
  partial?: boolean;
  /** The entity stream this progress belongs to (task types with callbackStreams). */
  stream?: number;
  /**
   * false: record the stage and percentage (status API) without a progress callback — for stages
   * the seed did not report, so existing receivers see exactly the seed's progress callbacks.
   */
  callback?: boolean;
}

/** How one entity of a per-entity task ended (see TaskTypeOptions.callbackStreams). */
export type StreamOutcome =
  | { status: 'completed'; processed_data: unknown; raw_data?: unknown }
  | {
      status: 'failed';
      error: { code: string; message: string; retryable: boolean; stage?: string | null };
    };

/** What the engine does with a context's reports (callbacks); failures there never fail the task. */
export interface TaskContextHooks {
  progressed(stage: string, progress: TaskProgress, opts: ProgressOptions): Promise<void>;
  streamEnded(stream: number, outcome: StreamOutcome): Promise<void>;
}

/**
 * What a task handler gets for one attempt: the task, its validated input, an abort signal that
 * fires on cancel, timeout or shutdown, a progress reporter and stage checkpoints.
 */
export class TaskContext<I = Record<string, unknown>> {
  private currentStage: string | null;

  constructor(
    readonly task: Readonly<TaskEntity>,
    readonly input: I,
    readonly signal: AbortSignal,
    readonly logger: Logger,
    private readonly repo: TasksRepository,
    private readonly requestAbort: (reason: 'cancelled') => void,
    private readonly hooks?: TaskContextHooks,
  ) {
    this.currentStage = task.stage;
  }

  get taskId(): string {
    return this.task.id;
  }

  /** 1 on the first attempt. */
  get attempt(): number {
    return this.task.attempts;
  }

  get stage(): string | null {
    return this.currentStage;
  }

  /** Throws if the attempt was cancelled, timed out or is being handed back on shutdown. */
  throwIfAborted(): void {
    if (this.signal.aborted) {
      const reason = this.signal.reason;
      throw reason instanceof TaskAbortedError ? reason : new TaskAbortedError('cancelled');
    }
  }

  /**
   * Records the stage and progress (visible in the status API) and checks for a cancel request:
   * a cancelled task stops here. It may also send a progress callback (see ProgressOptions; the
   * callbacks module decides: once per stage and stream, never going back).
   */
  async progress(
    stage: string,
    percent: number,
    message?: string,
    opts: ProgressOptions = {},
  ): Promise<void> {
    this.throwIfAborted();
    this.currentStage = stage;
    const progress: TaskProgress = { percent: Math.max(0, Math.min(100, Math.round(percent))) };
    if (message) progress.message = message;
    if (opts.counters) progress.counters = opts.counters;
    if (opts.data) progress.data = opts.data;
    const cancelRequested = await this.repo.saveProgress(this.task.id, stage, progress);
    if (cancelRequested) this.requestAbort('cancelled');
    this.throwIfAborted();
    if (opts.callback !== false) await this.hooks?.progressed(stage, progress, opts);
  }

  /**
   * One entity of a per-entity task has ended (completed, or failed for good): its terminal
   * callback goes out now, once per task however often this is called (a retry that reuses the
   * entity's checkpoint announces it again harmlessly).
   */
  async streamEnded(stream: number, outcome: StreamOutcome): Promise<void> {
    await this.hooks?.streamEnded(stream, outcome);
  }

  /**
   * Runs a stage once per task: if an earlier attempt completed it, its stored output is returned
   * and `fn` does not run again (so a retry never re-pays for finished work). The output must be
   * JSON-serialisable.
   */
  async checkpoint<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const done = this.task.checkpoints?.[name];
    if (done) {
      this.logger.log(
        `stage "${name}" already completed on an earlier attempt; reusing its output`,
      );
      return done.output as T;
    }
    this.throwIfAborted();
    this.currentStage = name;
    const output = await fn();
    this.throwIfAborted();
    await this.repo.saveCheckpoint(this.task.id, name, output);
    (this.task.checkpoints as Record<string, unknown>)[name] = {
      output,
      completed_at: new Date().toISOString(),
    };
    return output;
  }

  /**
   * What provider calls made for this task carry: task id and stage (ledger, budget), the abort
   * signal, and whether the caller asked to refresh (bypass other tasks' cached answers).
   */
  providerScope(): {
    taskId: string;
    stage: string | null;
    signal: AbortSignal;
    bypassCache: boolean;
  } {
    return {
      taskId: this.task.id,
      stage: this.currentStage,
      signal: this.signal,
      bypassCache: (this.task.input as { refresh?: unknown })?.refresh === true,
    };
  }

  /** Names of the stages completed so far (this attempt or earlier ones). */
  completedStages(): string[] {
    return Object.keys(this.task.checkpoints ?? {});
  }

  /** Resolves after `ms`, or rejects as soon as the attempt is aborted. */
  sleep(ms: number): Promise<void> {
    this.throwIfAborted();
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        clearTimeout(timer);
        reject(this.signal.reason);
      };
      const timer = setTimeout(() => {
        this.signal.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      this.signal.addEventListener('abort', onAbort, { once: true });
    });
  }
}
