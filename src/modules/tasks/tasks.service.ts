import {
  BadRequestException,
  ConflictException,
  Injectable,
  Logger,
  NotFoundException,
} from '@nestjs/common';
import type { Principal } from '../../common/auth/principal';
import { CancelBus } from './engine/cancel-bus';
import { TaskLifecycle } from './engine/task-lifecycle';
import { TaskQueues } from './engine/task-queues';
import { TaskRegistry } from './engine/task-registry';
import { TaskPayloads } from './submission/task-payloads';
import { SubmitOptions, SubmitOutcome, TaskSubmission } from './submission/task-submission';
import { TaskEntity } from './task.entity';
import { TaskListFilter, TasksRepository } from './tasks.repository';

/**
 * The task API as the controllers see it: submitting work (delegated to TaskSubmission), reading
 * tasks as the caller may see them, retrying and cancelling.
 */
@Injectable()
export class TasksService {
  private readonly logger = new Logger(TasksService.name);

  constructor(
    private readonly submission: TaskSubmission,
    private readonly payloads: TaskPayloads,
    private readonly registry: TaskRegistry,
    private readonly repo: TasksRepository,
    private readonly queues: TaskQueues,
    private readonly lifecycle: TaskLifecycle,
    private readonly cancelBus: CancelBus,
  ) {}

  /** See TaskSubmission.submit: dry run, Idempotency-Key, result reuse, `?wait=`. */
  submit(name: string, payload: unknown, opts: SubmitOptions): Promise<SubmitOutcome> {
    return this.submission.submit(name, payload, opts);
  }

  /** See TaskSubmission.createBatch: payloads of one type, stored in one transaction. */
  createBatch(...args: Parameters<TaskSubmission['createBatch']>) {
    return this.submission.createBatch(...args);
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
    return this.registry.get(task.type)?.summarize?.(task.result, task);
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
    const type = this.payloads.taskType(task.type);
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

/** Operators see every task; a tenant-bound caller its tenant's only. */
export function visibleTo(task: Pick<TaskEntity, 'tenantId'>, caller: Principal): boolean {
  return caller.tenant === null || task.tenantId === caller.tenant;
}
