import {
  ConflictException,
  Injectable,
  Logger,
  UnprocessableEntityException,
} from '@nestjs/common';
import { hash, randomUUID } from 'node:crypto';
import type { Principal } from '../../../common/auth/principal';
import { AppConfig } from '../../../common/config/app.config';
import { FieldError, InvalidFieldsException } from '../../../common/http/validation';
import { MetricsService } from '../../../common/metrics/metrics.service';
import { stableStringify } from '../../../common/stable-json';
import { TaskLifecycle } from '../engine/task-lifecycle';
import { TaskQueues } from '../engine/task-queues';
import { TaskEstimate } from '../engine/task-type.decorator';
import { TaskEntity, TaskStatus } from '../task.entity';
import { isFinal } from '../task.mapper';
import { TasksRepository } from '../tasks.repository';
import { TaskEstimates } from './task-estimates';
import { TaskPayloads, tenantFor } from './task-payloads';
import { MAX_WAIT_SECONDS, TaskWait } from './task-wait';

export interface CreateOptions {
  idempotencyKey?: string;
  refresh?: boolean;
  traceId: string;
  caller: Principal;
  /** The seed route: the type's seedInput DTO validates the payload. */
  seed?: boolean;
}

export interface SubmitOptions extends CreateOptions {
  /** Only estimate: nothing is stored or run. */
  dryRun?: boolean;
  /**
   * `?wait=`: seconds (0–MAX_WAIT_SECONDS) to wait for the task to end before answering. 0 or
   * absent: answer at once. Ignored by a dry run.
   */
  waitSeconds?: number;
}

/** What a submission gave: the estimate of a dry run, or the task (new or existing). */
export type SubmitOutcome = { estimate: TaskEstimate } | SubmittedTask;

export interface SubmittedTask extends CreateOutcome {
  /**
   * The caller asked to wait (`waitSeconds` > 0) and the task has ended (in time, or before):
   * `task` is the finished task.
   */
  finished: boolean;
}

export interface CreateOutcome {
  task: TaskEntity;
  /** false when an existing task was returned (same idempotency key, or a reused result). */
  created: boolean;
  reused: boolean;
}

/**
 * How work gets in: one task (dry run, Idempotency-Key, reuse of a stored result, `?wait=`) or a
 * batch of one type in one transaction. Stored tasks are queued; if Redis cannot take them now,
 * as soon as it can.
 */
@Injectable()
export class TaskSubmission {
  private readonly logger = new Logger(TaskSubmission.name);

  constructor(
    private readonly payloads: TaskPayloads,
    private readonly estimates: TaskEstimates,
    private readonly waits: TaskWait,
    private readonly repo: TasksRepository,
    private readonly queues: TaskQueues,
    private readonly lifecycle: TaskLifecycle,
    private readonly metrics: MetricsService,
    private readonly config: AppConfig,
  ) {}

  /**
   * The one way work is submitted, whatever the route (seed create, typed routes, CLI): a dry run
   * answers the estimate; otherwise the Idempotency-Key is checked, a stored result of the same
   * scope may be reused, and the task is stored and queued. `dry_run` / `refresh` may come from the
   * options (query) or the payload. With `waitSeconds`, the answer waits (at most that long) for
   * the task to end.
   */
  async submit(name: string, payload: unknown, opts: SubmitOptions): Promise<SubmitOutcome> {
    const body = (payload ?? {}) as { dry_run?: unknown; refresh?: unknown };
    if (opts.dryRun ?? body.dry_run === true) {
      return { estimate: await this.estimates.estimate(name, payload, opts.seed) };
    }
    const key = opts.idempotencyKey;
    if (key !== undefined && (key.length < 1 || key.length > 255)) {
      throw new InvalidFieldsException([
        { field: 'Idempotency-Key', message: 'must be 1–255 characters' },
      ]);
    }
    const out = await this.create(name, payload, {
      ...opts,
      refresh: opts.refresh ?? body.refresh === true,
    });
    const wait = opts.waitSeconds ?? 0;
    if (wait <= 0) return { ...out, finished: false };
    const task = await this.waits.waitForEnd(out.task, Math.min(wait, MAX_WAIT_SECONDS) * 1000);
    return { ...out, task, finished: isFinal(task) };
  }

  async create(name: string, payload: unknown, opts: CreateOptions): Promise<CreateOutcome> {
    const type = this.payloads.taskType(name);
    const errors = await this.payloads.validated(type, payload, '', opts.seed);
    if (errors.length) throw new InvalidFieldsException(errors);
    const body = payload as Record<string, unknown>;
    const requestHash = hash('sha256', stableStringify({ name, input: body }), 'hex');
    // `?refresh=true` is kept on the task so its provider calls bypass other tasks' cached answers.
    const input = opts.refresh && body.refresh === undefined ? { ...body, refresh: true } : body;

    const tenant = tenantFor(opts.caller, input);
    if (opts.idempotencyKey) {
      const existing = await this.repo.findByIdempotencyKey(opts.idempotencyKey, tenant);
      if (existing) return this.sameKey(existing, requestHash);
    }

    const draft = this.payloads.newTask(type, input, opts.traceId, opts.caller, {
      idempotencyKey: opts.idempotencyKey ?? null,
      requestHash,
    });

    const maxAge = this.config.RESULT_REUSE_MAX_AGE_HOURS;
    if (draft.scopeKey && !opts.refresh && maxAge > 0) {
      const prior = await this.repo.findLatestSucceededInScope(type.name, draft.scopeKey, maxAge);
      if (prior) {
        const now = new Date();
        const reused = {
          ...draft,
          status: 'succeeded' as TaskStatus,
          result: prior.result,
          progress: { percent: 100, message: 'stored result reused' },
          reusedFrom: prior.id,
          startedAt: now,
          finishedAt: now,
        };
        if (!(await this.lifecycle.insertFinished(reused)))
          return this.sameKey(await this.mustFindByKey(opts.idempotencyKey, tenant), requestHash);
        this.metrics.tasksCreated.inc({ type: type.name });
        this.metrics.tasksFinished.inc({ type: type.name, status: 'succeeded' });
        return { task: (await this.repo.findById(reused.id!))!, created: true, reused: true };
      }
    }

    const stored = await this.repo.insertReturning(draft);
    if (!stored) {
      // A concurrent request with the same idempotency key won the insert.
      return this.sameKey(await this.mustFindByKey(opts.idempotencyKey, tenant), requestHash);
    }
    this.metrics.tasksCreated.inc({ type: type.name });
    await this.enqueueSafely([stored]);
    return { task: stored, created: true, reused: false };
  }

  private async mustFindByKey(key: string | undefined, tenant: string | null): Promise<TaskEntity> {
    const t = key ? await this.repo.findByIdempotencyKey(key, tenant) : null;
    if (!t)
      throw new ConflictException({ detail: 'a concurrent request is creating this task; retry' });
    return t;
  }

  private sameKey(existing: TaskEntity, requestHash: string): CreateOutcome {
    if (existing.requestHash !== requestHash) {
      throw new UnprocessableEntityException({
        detail:
          'Idempotency-Key was already used with a different request body; use a new key for a new task',
        job_id: existing.id,
      });
    }
    return { task: existing, created: false, reused: false };
  }

  /**
   * A stored task whose job could not be queued (Redis unreachable) is queued by this process as
   * soon as Redis is back, and by the requeue sweep if this process is gone; nothing is lost.
   */
  private async enqueueSafely(tasks: TaskEntity[]): Promise<void> {
    if (!(await this.queues.enqueueOrDefer(tasks))) {
      this.logger.warn(
        `stored ${tasks.length} task(s) but Redis cannot take their jobs now; they are queued as soon as it can`,
      );
    }
  }

  async createBatch(
    name: string,
    payloads: Record<string, unknown>[],
    opts: { callbackUrl?: string; budgetUsd?: number; dryRun?: boolean; batchId?: string },
    traceId: string,
    caller: Principal,
  ): Promise<{ batchId: string; ids: string[]; estimate?: TaskEstimate }> {
    const type = this.payloads.taskType(name);
    const errors: FieldError[] = [];
    const batchUrlProblem = opts.callbackUrl ? this.payloads.urlProblem(opts.callbackUrl) : null;
    if (batchUrlProblem) errors.push({ field: 'callback_url', message: batchUrlProblem });
    for (let i = 0; i < payloads.length; i++) {
      errors.push(...(await this.payloads.validated(type, payloads[i], `payloads[${i}]`)));
    }
    if (errors.length) throw new InvalidFieldsException(errors.slice(0, 100));
    if (opts.dryRun) {
      const estimate = await this.estimates.ofBatch(type, payloads, opts.budgetUsd);
      return { batchId: '', ids: [], estimate };
    }
    // A given batch id adds the tasks to that batch (a job that queues its items a few at a time).
    const batchId = opts.batchId ?? randomUUID();
    const drafts = payloads.map((p) =>
      this.payloads.newTask(type, p, traceId, caller, {
        batchId,
        batchBudgetUsd: opts.budgetUsd ?? null,
        callbackUrl:
          (typeof p.callback_url === 'string' ? p.callback_url : opts.callbackUrl) ?? null,
      }),
    );
    await this.repo.transaction((em) => this.repo.insertMany(drafts, em));
    this.metrics.tasksCreated.inc({ type: type.name }, drafts.length);
    await this.enqueueSafely(drafts as TaskEntity[]);
    return { batchId, ids: drafts.map((d) => d.id!) };
  }
}
