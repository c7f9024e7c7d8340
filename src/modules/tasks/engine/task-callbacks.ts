import type { EntityManager } from 'typeorm';
import type { TaskEntity, TaskProgress } from '../task.entity';
import type { ProgressOptions, StreamOutcome } from './task-context';

/**
 * What the task engine needs from the callbacks module. An abstract class so that it is the DI
 * token: the callbacks module provides it, and the engine never imports that module (which
 * depends on the engine).
 */
export abstract class TaskCallbacks {
  /** Whether the task has a callback target (its own callback_url or the default). No I/O. */
  abstract wanted(task: Pick<TaskEntity, 'callbackUrl'>): boolean;

  /** Why a callback URL given at creation cannot be used, phrased after the field name; null if it can. */
  abstract urlProblem(url: unknown): string | null;

  /**
   * Inside the transaction that records the task's end: writes its deliveries to the outbox.
   * Returns the ids to hand to the relay once the transaction has committed.
   */
  abstract stageEnd(task: TaskEntity, em: EntityManager): Promise<string[]>;

  /** After commit: queues the staged deliveries. Never throws (the callbacks sweep catches up). */
  abstract relay(ids: string[]): Promise<void>;

  /**
   * A running task reported progress: a progress callback when the task wants them (its type's
   * default or `callback_progress`), once per stage and stream, never going back.
   */
  abstract progressed(
    task: TaskEntity,
    stage: string,
    progress: TaskProgress,
    opts: ProgressOptions,
  ): Promise<void>;

  /** One entity of a per-entity task ended: its terminal callback (once per task and stream). */
  abstract streamEnded(task: TaskEntity, stream: number, outcome: StreamOutcome): Promise<void>;
}
