import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { TaskCallbacks } from '../../../src/modules/tasks/engine/task-callbacks';
import {
  ProgressOptions,
  StreamOutcome,
  TaskContext,
} from '../../../src/modules/tasks/engine/task-context';
import { TaskAbortedError } from '../../../src/modules/tasks/engine/task-errors';
import type { TaskHandler } from '../../../src/modules/tasks/engine/task-type.decorator';
import { TaskEntity, TaskProgress } from '../../../src/modules/tasks/task.entity';
import type { TasksRepository } from '../../../src/modules/tasks/tasks.repository';

/** A task row that lives in memory: what a handler reads through its TaskContext. */
export function memoryTask(overrides: Partial<TaskEntity> = {}): TaskEntity {
  const now = new Date();
  return Object.assign(new TaskEntity(), {
    id: randomUUID(),
    type: 'test',
    status: 'running',
    stage: null,
    progress: { percent: 0 },
    attempts: 1,
    maxAttempts: 3,
    priority: 0,
    timeoutMs: 60_000,
    input: {},
    result: null,
    error: null,
    checkpoints: {},
    idempotencyKey: null,
    requestHash: null,
    scopeKey: null,
    reusedFrom: null,
    batchId: null,
    tenantId: null,
    externalId: null,
    retryRound: 0,
    accountId: null,
    leadId: null,
    callbackUrl: null,
    traceId: randomUUID().replace(/-/g, ''),
    costUsd: 0,
    budgetUsd: null,
    batchBudgetUsd: null,
    cancelRequestedAt: null,
    nextAttemptAt: null,
    leaseUntil: null,
    createdAt: now,
    updatedAt: now,
    startedAt: now,
    finishedAt: null,
    ...overrides,
  });
}

/**
 * The task store as a TaskContext uses it (progress and checkpoints), in memory. `cancelAfter`
 * makes the n-th progress report see a cancel request, as a DELETE arriving mid-run would.
 */
export class MemoryTaskStore implements Pick<TasksRepository, 'saveProgress' | 'saveCheckpoint'> {
  readonly progress: Array<{ stage: string | null; progress: TaskProgress }> = [];
  readonly checkpoints: Record<string, unknown> = {};
  cancelAfter = Infinity;

  saveProgress(_id: string, stage: string | null, progress: TaskProgress): Promise<boolean> {
    this.progress.push({ stage, progress });
    return Promise.resolve(this.progress.length >= this.cancelAfter);
  }

  saveCheckpoint(_id: string, stage: string, output: unknown): Promise<void> {
    this.checkpoints[stage] = output;
    return Promise.resolve();
  }
}

/**
 * Callback delivery as the task engine sees it (TaskCallbacks), recording instead of sending:
 * which progress reports and per-entity ends would have become callbacks, which task ends were
 * staged into the outbox and relayed. Module tests assert on these without a receiver or Redis.
 */
export class RecordingCallbacks implements TaskCallbacks {
  readonly progressReports: Array<
    { task: string; stage: string; progress: TaskProgress } & ProgressOptions
  > = [];
  readonly streams: Array<{ task: string; stream: number; outcome: StreamOutcome }> = [];
  readonly staged: TaskEntity[] = [];
  readonly relayed: string[] = [];

  wanted(task: Pick<TaskEntity, 'callbackUrl'>): boolean {
    return Boolean(task.callbackUrl);
  }

  urlProblem(url: unknown): string | null {
    if (typeof url !== 'string') return 'must be a string';
    try {
      return /^https?:$/.test(new URL(url).protocol) ? null : 'must be an http(s) URL';
    } catch {
      return 'must be an absolute URL';
    }
  }

  stageEnd(task: TaskEntity, _em?: EntityManager): Promise<string[]> {
    if (!this.wanted(task)) return Promise.resolve([]);
    this.staged.push(task);
    return Promise.resolve([`delivery-${this.staged.length}`]);
  }

  relay(ids: string[]): Promise<void> {
    this.relayed.push(...ids);
    return Promise.resolve();
  }

  progressed(
    task: TaskEntity,
    stage: string,
    progress: TaskProgress,
    opts: ProgressOptions,
  ): Promise<void> {
    this.progressReports.push({ task: task.id, stage, progress, ...opts });
    return Promise.resolve();
  }

  streamEnded(task: TaskEntity, stream: number, outcome: StreamOutcome): Promise<void> {
    this.streams.push({ task: task.id, stream, outcome });
    return Promise.resolve();
  }
}

/** A logger that keeps the handler's lines (for assertions) instead of printing them. */
class RecordingLogger extends Logger {
  constructor(
    context: string,
    private readonly lines: string[],
  ) {
    super(context);
  }
  override log(message: unknown): void {
    this.lines.push(`log ${text(message)}`);
  }
  override warn(message: unknown): void {
    this.lines.push(`warn ${text(message)}`);
  }
  override error(message: unknown): void {
    this.lines.push(`error ${text(message)}`);
  }
  override debug(message: unknown): void {
    this.lines.push(`debug ${text(message)}`);
  }
  override verbose(message: unknown): void {
    this.lines.push(`verbose ${text(message)}`);
  }
}
const text = (m: unknown) => (typeof m === 'string' ? m : JSON.stringify(m));

export interface TaskRun<R> {
  /** What run() returned; undefined when it threw. */
  result?: R;
  /** What run() threw (a TaskError, a TaskAbortedError…). */
  error?: unknown;
  task: TaskEntity;
  store: MemoryTaskStore;
  callbacks: RecordingCallbacks;
  /** What the handler logged, one string per line ("log …", "warn …"). */
  logs: string[];
}

export interface RunOptions {
  /** Fields of the task row (attempts, callbackUrl, accountId…). */
  task?: Partial<TaskEntity>;
  /** Checkpoints stored by an earlier attempt: `run` reuses them as a retry would. */
  checkpoints?: Record<string, unknown>;
  /** The n-th progress report sees a cancel request. */
  cancelAfterProgress?: number;
  /** Aborts the attempt from outside (timeout, shutdown). */
  signal?: AbortSignal;
  callbacks?: RecordingCallbacks;
}

/**
 * Runs one attempt of a task handler the way the worker does — TaskContext, checkpoints,
 * progress, cancel — with the store and callback delivery in memory: a service-tier test takes
 * milliseconds and needs neither PostgreSQL nor Redis. Give the handler fakes for what it calls
 * (a ProviderClient stand-in, …) through its constructor.
 */
export async function runTask<I extends object, R>(
  handler: TaskHandler<I, R>,
  input: I,
  opts: RunOptions = {},
): Promise<TaskRun<R>> {
  const checkpoints = Object.fromEntries(
    Object.entries(opts.checkpoints ?? {}).map(([k, output]) => [
      k,
      { output, completed_at: new Date(0).toISOString() },
    ]),
  );
  const task = memoryTask({
    input: input as Record<string, unknown>,
    checkpoints,
    ...opts.task,
  });
  const store = new MemoryTaskStore();
  if (opts.cancelAfterProgress) store.cancelAfter = opts.cancelAfterProgress;
  const callbacks = opts.callbacks ?? new RecordingCallbacks();
  const logs: string[] = [];
  const controller = new AbortController();
  opts.signal?.addEventListener('abort', () => controller.abort(opts.signal?.reason), {
    once: true,
  });
  const ctx = new TaskContext<I>(
    task,
    input,
    controller.signal,
    new RecordingLogger(`task:${task.type}`, logs),
    store as unknown as TasksRepository,
    (reason) => controller.abort(new TaskAbortedError(reason)),
    {
      progressed: (stage, progress, o) => callbacks.progressed(task, stage, progress, o),
      streamEnded: (stream, outcome) => callbacks.streamEnded(task, stream, outcome),
    },
  );
  try {
    return { result: await handler.run(ctx), task, store, callbacks, logs };
  } catch (error) {
    return { error, task, store, callbacks, logs };
  }
}
