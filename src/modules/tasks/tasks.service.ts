import {
  BadRequestException,
  ConflictException,
  Injectable,
  Logger,
  NotFoundException,
  UnprocessableEntityException,
} from '@nestjs/common';
import { createHash, randomUUID } from 'node:crypto';
import type { Principal } from '../../common/auth/principal';
import { AppConfig } from '../../common/config/app.config';
import { FieldError, InvalidFieldsException, validatePayload } from '../../common/http/validation';
import { stableStringify } from '../../common/stable-json';
import { MetricsService } from '../../common/metrics/metrics.service';
import { CancelBus } from './engine/cancel-bus';
import { TaskCallbacks } from './engine/task-callbacks';
import { TaskEndBus } from './engine/task-end-bus';
import { TaskLifecycle } from './engine/task-lifecycle';
import { TaskQueues } from './engine/task-queues';
import { TaskRegistry } from './engine/task-registry';
import { ResolvedTaskType, TaskEstimate } from './engine/task-type.decorator';
import { TaskEntity, TaskStatus } from './task.entity';
import { isFinal } from './task.mapper';
import { TaskListFilter, TasksRepository } from './tasks.repository';

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

/** The most a request may wait for its task (`?wait=`). */
export const MAX_WAIT_SECONDS = 60;

/**
 * While waiting, the task is read again at least this often although its end is announced
 * (in case an announcement is lost), and more often when the announcements cannot be received.
 */
const WAIT_POLL_MS = 5000;
const WAIT_POLL_UNSUBSCRIBED_MS = 1000;

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

const str = (v: unknown): string | null =>
  typeof v === 'string' && v.trim()
    ? v.trim().slice(0, 255)
    : typeof v === 'number'
      ? String(v)
      : null;

@Injectable()
export class TasksService {
  private readonly logger = new Logger(TasksService.name);

  constructor(
    private readonly registry: TaskRegistry,
    private readonly repo: TasksRepository,
    private readonly queues: TaskQueues,
    private readonly lifecycle: TaskLifecycle,
    private readonly cancelBus: CancelBus,
    private readonly endBus: TaskEndBus,
    private readonly metrics: MetricsService,
    private readonly callbacks: TaskCallbacks,
    private readonly config: AppConfig,
  ) {}

  taskType(name: string): ResolvedTaskType<any> {
    const type = this.registry.get(name);
    if (!type) {
      throw new NotFoundException({
        detail: `Unknown task "${name}". Known tasks: ${this.registry.names().join(', ') || '(none)'}`,
        known_tasks: this.registry.names(),
      });
    }
    return type;
  }

  private async validated(
    type: ResolvedTaskType<any>,
    payload: unknown,
    prefix = '',
    seed = false,
  ): Promise<FieldError[]> {
    const errors = await validatePayload((seed && type.seedInput) || type.input, payload, prefix);
    const field = (name: string) => (prefix ? `${prefix}.${name}` : name);
    const p = (payload ?? {}) as Record<string, unknown>;
    if (p.callback_url !== undefined && p.callback_url !== null) {
      const problem = this.callbacks.urlProblem(p.callback_url);
      if (problem) errors.push({ field: field('callback_url'), message: problem });
    }
    // Control fields every task type understands (outside its own DTO).
    // At most $1,000,000: the column holds numeric(14,6), a larger value would not store.
    if (
      p.budget_usd !== undefined &&
      p.budget_usd !== null &&
      !(isMoney(p.budget_usd) && p.budget_usd <= 1_000_000)
    ) {
      errors.push({
        field: field('budget_usd'),
        message: 'budget_usd must be a number from 0 to 1000000 (USD)',
      });
    }
    for (const flag of ['refresh', 'dry_run', 'callback_progress', 'callback_raw_data'] as const) {
      if (p[flag] !== undefined && typeof p[flag] !== 'boolean') {
        errors.push({ field: field(flag), message: `${flag} must be true or false` });
      }
    }
    // The client's own job id (seed payloads) and tenant: kept, so they must be sane.
    if (p.job_id !== undefined && p.job_id !== null && !isIdText(p.job_id, 255)) {
      errors.push({
        field: field('job_id'),
        message: 'job_id must be a string of 1–255 characters',
      });
    }
    if (p.tenant_id !== undefined && p.tenant_id !== null && !isIdText(p.tenant_id, 100)) {
      errors.push({
        field: field('tenant_id'),
        message: 'tenant_id must be a string of 1–100 characters',
      });
    }
    return errors;
  }

  private newTask(
    type: ResolvedTaskType<any>,
    input: Record<string, unknown>,
    traceId: string,
    caller: Principal,
    extra: Partial<TaskEntity> = {},
  ): Partial<TaskEntity> {
    const entities = type.entities?.(input as any) ?? {
      accountId: str(input.account_id),
      leadId: str(input.lead_id),
    };
    const tenantId = tenantFor(caller, input);
    const scope = type.scope?.(input as any);
    return {
      tenantId,
      externalId: isIdText(input.job_id, 255) ? input.job_id : null,
      id: randomUUID(),
      type: type.name,
      status: 'queued',
      stage: null,
      progress: { percent: 0 },
      attempts: 0,
      maxAttempts: type.maxAttempts,
      priority: type.priority ?? 0,
      timeoutMs: type.timeoutFor?.(input as any) ?? type.timeoutMs,
      input,
      checkpoints: {},
      // Stored results are shared within a tenant only: its inputs and results are its own.
      scopeKey: scope
        ? `${tenantId === null ? '' : `tenant:${tenantId}|`}${scope}`.slice(0, 500)
        : null,
      accountId: entities.accountId ?? null,
      leadId: entities.leadId ?? null,
      callbackUrl: typeof input.callback_url === 'string' ? input.callback_url : null,
      budgetUsd: isMoney(input.budget_usd) ? input.budget_usd : null,
      traceId,
      costUsd: 0,
      ...extra,
    };
  }

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
      return { estimate: await this.estimate(name, payload, opts.seed) };
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
    const task = await this.waitForEnd(out.task, Math.min(wait, MAX_WAIT_SECONDS) * 1000);
    return { ...out, task, finished: isFinal(task) };
  }

  /**
   * The task once it has ended, or as it is after `ms`. Woken by the end announcement (Redis
   * pub/sub: the task may run in another process); reads PostgreSQL only when woken and, in case
   * an announcement is lost, every WAIT_POLL_MS.
   */
  async waitForEnd(task: TaskEntity, ms: number): Promise<TaskEntity> {
    if (isFinal(task)) return task;
    const deadline = Date.now() + ms;
    // Watching starts before the first read: an end between the two is not missed.
    const watch = await this.endBus.watch(task.id);
    try {
      let current = task;
      for (;;) {
        current = (await this.repo.findById(task.id)) ?? current;
        const left = deadline - Date.now();
        if (isFinal(current) || left <= 0 || watch.stopped()) return current;
        await watch.next(Math.min(left, watch.live() ? WAIT_POLL_MS : WAIT_POLL_UNSUBSCRIBED_MS));
      }
    } finally {
      watch.close();
    }
  }

  async create(name: string, payload: unknown, opts: CreateOptions): Promise<CreateOutcome> {
    const type = this.taskType(name);
    const errors = await this.validated(type, payload, '', opts.seed);
    if (errors.length) throw new InvalidFieldsException(errors);
    const body = payload as Record<string, unknown>;
    const requestHash = createHash('sha256')
      .update(stableStringify({ name, input: body }))
      .digest('hex');
    // `?refresh=true` is kept on the task so its provider calls bypass other tasks' cached answers.
    const input = opts.refresh && body.refresh === undefined ? { ...body, refresh: true } : body;

    const tenant = tenantFor(opts.caller, input);
    if (opts.idempotencyKey) {
      const existing = await this.repo.findByIdempotencyKey(opts.idempotencyKey, tenant);
      if (existing) return this.sameKey(existing, requestHash);
    }

    const draft = this.newTask(type, input, opts.traceId, opts.caller, {
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

    if (!(await this.repo.insert(draft))) {
      // A concurrent request with the same idempotency key won the insert.
      return this.sameKey(await this.mustFindByKey(opts.idempotencyKey, tenant), requestHash);
    }
    this.metrics.tasksCreated.inc({ type: type.name });
    await this.enqueueSafely([draft as TaskEntity]);
    return { task: (await this.repo.findById(draft.id!))!, created: true, reused: false };
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

  /** Dry run: validates the payload and asks the task type what it would call and spend. Stores nothing. */
  async estimate(name: string, payload: unknown, seed = false): Promise<TaskEstimate> {
    const type = this.taskType(name);
    const errors = await this.validated(type, payload, '', seed);
    if (errors.length) throw new InvalidFieldsException(errors);
    return this.estimateValid(type, payload as Record<string, unknown>);
  }

  private async estimateValid(
    type: ResolvedTaskType<any>,
    input: Record<string, unknown>,
  ): Promise<TaskEstimate> {
    const e = (await type.handler.estimate?.(input)) ?? {
      calls: 0,
      cost_min_usd: 0,
      cost_max_usd: 0,
      notes: [`${type.name} makes no paid calls`],
    };
    const budget = isMoney(input.budget_usd) ? input.budget_usd : undefined;
    if (budget !== undefined && e.cost_max_usd > budget) {
      e.notes = [
        ...(e.notes ?? []),
        `the worst case ($${e.cost_max_usd}) is above budget_usd ($${budget}): the task may stop with BUDGET_EXCEEDED`,
      ];
    }
    return e;
  }

  async createBatch(
    name: string,
    payloads: Record<string, unknown>[],
    opts: { callbackUrl?: string; budgetUsd?: number; dryRun?: boolean },
    traceId: string,
    caller: Principal,
  ): Promise<{ batchId: string; ids: string[]; estimate?: TaskEstimate }> {
    const type = this.taskType(name);
    const errors: FieldError[] = [];
    const batchUrlProblem = opts.callbackUrl ? this.callbacks.urlProblem(opts.callbackUrl) : null;
    if (batchUrlProblem) errors.push({ field: 'callback_url', message: batchUrlProblem });
    for (let i = 0; i < payloads.length; i++) {
      errors.push(...(await this.validated(type, payloads[i], `payloads[${i}]`)));
    }
    if (errors.length) throw new InvalidFieldsException(errors.slice(0, 100));
    if (opts.dryRun) {
      const total: TaskEstimate = { calls: 0, cost_min_usd: 0, cost_max_usd: 0 };
      for (const p of payloads) {
        const e = await this.estimateValid(type, p);
        total.calls += e.calls;
        total.cost_min_usd += e.cost_min_usd;
        total.cost_max_usd += e.cost_max_usd;
      }
      if (opts.budgetUsd !== undefined && total.cost_max_usd > opts.budgetUsd) {
        total.notes = [
          `the worst case ($${total.cost_max_usd}) is above the batch budget ($${opts.budgetUsd})`,
        ];
      }
      return { batchId: '', ids: [], estimate: total };
    }
    const batchId = randomUUID();
    const drafts = payloads.map((p) =>
      this.newTask(type, p, traceId, caller, {
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

  /**
   * A task by our id or by the client's own job id (the newest task carrying it), as the caller
   * may see it: another tenant's task is "not found", exactly like a missing one.
   */
  async get(id: string, caller: Principal): Promise<TaskEntity> {
    let task = isUuid(id) ? await this.repo.findById(id) : null;
    if (task && !visibleTo(task, caller)) task = null;
    task ??= await this.repo.findLatestByExternalId(id, caller.tenant);
    if (!task) throw new NotFoundException({ detail: `No task with job_id "${id}"` });
    return task;
  }

  /** The task type's summary of a stored result (seed status route), if it has one. */
  summary(task: TaskEntity): unknown {
    if (task.result == null) return undefined;
    return this.registry.get(task.type)?.summarize?.(task.result);
  }

  list(filter: TaskListFilter, caller: Principal): Promise<TaskEntity[]> {
    return this.repo.list({ ...filter, tenant: caller.tenant ?? undefined });
  }

  listFailed(
    f: { from: Date; to: Date; retryableOnly: boolean; type?: string; limit: number },
    caller: Principal,
  ) {
    return this.repo.listFailed({ ...f, tenant: caller.tenant ?? undefined });
  }

  /**
   * failed or cancelled → a new round of attempts on the same job id (any task type; completed
   * stages are not redone). A failure its task marked as not retryable needs `force`: a retry
   * would most likely fail the same way (the seed refused those outright).
   */
  async retry(id: string, caller: Principal, force = false): Promise<TaskEntity> {
    const task = await this.get(id, caller);
    if (task.status !== 'failed' && task.status !== 'cancelled') {
      throw new BadRequestException({
        detail: `Only failed tasks can be retried; this one is ${task.status}`,
        status_now: task.status,
      });
    }
    if (task.status === 'failed' && task.error && !task.error.retryable && !force) {
      throw new BadRequestException({
        detail: `This task is not retryable (${task.error.code}: ${task.error.message}); add ?force=true to run it again anyway`,
        error_type: task.error.code,
      });
    }
    const type = this.taskType(task.type);
    const reset = await this.repo.resetForRetry(task.id, type.maxAttempts);
    if (!reset)
      throw new ConflictException({ detail: 'the task changed state meanwhile; read it again' });
    await this.queues.enqueue(reset).catch(async () => {
      this.logger.warn(
        `retry of ${task.id} stored; its job is queued as soon as Redis can take it`,
      );
      await this.queues.enqueueOrDefer([reset]);
    });
    return reset;
  }

  /** queued → cancelled at once; running → aborted at its next check. */
  async cancel(id: string, caller: Principal): Promise<{ task: TaskEntity; pending: boolean }> {
    const task = await this.get(id, caller);
    if (task.status !== 'queued' && task.status !== 'running') {
      throw new ConflictException({
        detail: `Only queued or running tasks can be cancelled; this one is ${task.status}`,
        status_now: task.status,
      });
    }
    await this.repo.requestCancel(task.id);
    if (task.status === 'queued') {
      const done = await this.lifecycle.cancel(task, task.stage, undefined, ['queued']);
      if (done) {
        await this.queues.removeIfIdle(task).catch(() => undefined);
        return { task: done, pending: false };
      }
    }
    await this.cancelBus.publish(task.id).catch(() => undefined);
    return { task: (await this.repo.findById(task.id))!, pending: true };
  }
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (s: string) => UUID_RE.test(s);

function isMoney(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0;
}

function isIdText(v: unknown, max: number): v is string {
  return typeof v === 'string' && v.length >= 1 && v.length <= max;
}

/**
 * The tenant a new task belongs to: the caller's when it is bound to one; for an operator, the
 * payload's `tenant_id` (an operator acts on a tenant's behalf), else none.
 */
function tenantFor(caller: Principal, input: Record<string, unknown>): string | null {
  if (caller.tenant !== null) return caller.tenant;
  return isIdText(input.tenant_id, 100) ? input.tenant_id : null;
}

/** Operators see every task; a tenant-bound caller its tenant's only. */
export function visibleTo(task: Pick<TaskEntity, 'tenantId'>, caller: Principal): boolean {
  return caller.tenant === null || task.tenantId === caller.tenant;
}
