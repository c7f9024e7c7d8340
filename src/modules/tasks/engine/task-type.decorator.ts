import { DiscoveryService } from '@nestjs/core';
import type { TaskEntity } from '../task.entity';
import type { StreamOutcome, TaskContext } from './task-context';

export interface TaskTypeOptions<I extends object = object> {
  /** Name used in the URL (`/api/v1/tasks/create/{name}`) and stored on the task. */
  name: string;
  /** class-validator DTO the payload is validated against before the task is stored. */
  input: new () => I;
  /** Queue the task runs on (default: the task name). Tasks of one queue share its workers. */
  queue?: string;
  /** BullMQ priority: 1 = highest; unset = before any prioritised job of the queue. */
  priority?: number;
  /** Jobs of this type one worker process runs at once. Default 5. */
  concurrency?: number;
  /** Attempts in total, the first included. Default 3. */
  maxAttempts?: number;
  /** An attempt running longer is aborted and counts as a retryable TIMEOUT. Default 15 min. */
  timeoutMs?: number;
  /** The timeout of one task when it depends on the input (e.g. the number of accounts). */
  timeoutFor?: (input: I) => number;
  /**
   * Result scope: tasks with the same scope share a stored successful result, which a new task
   * returns without running unless the caller asks to refresh (as the seed did per enrichment type
   * + account/lead). Return undefined for "no scope".
   */
  scope?: (input: I) => string | undefined;
  /** Caller's entity ids, kept on the task for filtering and logs. */
  entities?: (input: I) => { accountId?: string | null; leadId?: string | null };
  /** Short description shown in the API docs. */
  description?: string;
  /** `enrichment_type` of this type's callbacks (seed values such as company_info). Default: the name. */
  enrichmentType?: string;
  /**
   * Lists under the result that callbacks split into pages of CALLBACK_PAGE_SIZE items joined on
   * their `id`, as the seed did for leads. `lists` gives the order of the page ids (all of the
   * first list, then ids found only in the next…); `counted` the lists whose length triggers
   * paging. Default: the seed's lead lists.
   */
  callbackPages?: CallbackPagesOptions;
  /**
   * Input DTO of the seed route (`POST /api/v1/tasks/create/{name}`) when it must accept more than
   * the typed routes do (the seed accepted some values that it then failed per item, and existing
   * clients send them). Default: `input`.
   */
  seedInput?: new () => I;
  /** `source` of this type's callbacks, as the seed sent it (company_info: `jina_ai` …). Default `assay`. */
  callbackSource?: string;
  /**
   * Progress callbacks on by default, at the stages the handler reports (the seed sent them for
   * its task types). Other types send them only when the task asks (`callback_progress: true`).
   */
  progressCallbacks?: boolean;
  /**
   * Entities the task reports on separately (the seed's bulk accounts): each has its own stream of
   * callbacks (progress, then one completed or failed) carrying its own account_id / lead_id, and
   * no callback is ever sent for the task as a whole. When the task ends, each entity that has not
   * ended yet gets the task's end (failed / cancelled) on its own stream.
   */
  callbackStreams?: (input: I) => CallbackStream[];
  /**
   * What a stored successful result says of each entity (completed with its processed_data, or
   * failed): the terminal callbacks of a task that reuses that result without running.
   */
  streamOutcomes?: (result: unknown, input: I) => Array<StreamOutcome | null>;
  /** The job's summary on the seed status route, from its stored result (the seed's run_task summary). */
  summarize?: (result: unknown, task: Readonly<TaskEntity>) => unknown;
}

/** One entity of a task that reports per entity (see TaskTypeOptions.callbackStreams). */
export interface CallbackStream {
  account_id: string;
  lead_id?: string | null;
  /** completion_percentage of the entity's terminal callback (the seed's int(i/n·100) for accounts). */
  percent: number;
}

export interface CallbackPagesOptions {
  lists: string[];
  counted?: string[];
}

export interface ResolvedTaskType<I extends object = object> extends Required<
  Omit<
    TaskTypeOptions<I>,
    | 'scope'
    | 'entities'
    | 'priority'
    | 'description'
    | 'enrichmentType'
    | 'callbackPages'
    | 'seedInput'
    | 'callbackSource'
    | 'progressCallbacks'
    | 'callbackStreams'
    | 'streamOutcomes'
    | 'timeoutFor'
    | 'summarize'
  >
> {
  summarize?: (result: unknown, task: Readonly<TaskEntity>) => unknown;
  timeoutFor?: (input: I) => number;
  streamOutcomes?: (result: unknown, input: I) => Array<StreamOutcome | null>;
  seedInput?: new () => I;
  callbackSource?: string;
  progressCallbacks?: boolean;
  callbackStreams?: (input: I) => CallbackStream[];
  priority?: number;
  description?: string;
  enrichmentType?: string;
  callbackPages?: CallbackPagesOptions;
  scope?: (input: I) => string | undefined;
  entities?: (input: I) => { accountId?: string | null; leadId?: string | null };
  handler: TaskHandler<I>;
}

/** A dry-run answer: how many outside calls a task would make and what they may cost. */
export interface TaskEstimate {
  calls: number;
  cost_min_usd: number;
  cost_max_usd: number;
  notes?: string[];
}

/** A task type: a provider class marked with @TaskType({...}) that implements this. */
export interface TaskHandler<I extends object = object, R = unknown> {
  run(ctx: TaskContext<I>): Promise<R>;
  /**
   * Dry-run estimate before anything runs. Task types that call paid providers implement it; a
   * type without one makes no paid calls (estimate: zero).
   */
  estimate?(input: I): Promise<TaskEstimate> | TaskEstimate;
  /**
   * Called once a task of this type has reached a final state (succeeded, failed for good,
   * cancelled), in the process that stored that state, after it is committed. Best effort: a
   * crash in between loses the call, so whatever it drives needs a sweep as its backstop. Errors
   * are logged, never thrown at the engine.
   */
  ended?(task: TaskEntity): Promise<void> | void;
}

/** Marks a provider as a task type. Discovered once at boot by the TaskRegistry. */
export const TaskType = DiscoveryService.createDecorator<TaskTypeOptions<any>>();
