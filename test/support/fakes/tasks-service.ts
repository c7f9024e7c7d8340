import { UnprocessableEntityException } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { stableStringify } from '../../../src/common/stable-json';
import type { TaskEstimate } from '../../../src/modules/tasks/engine/task-type.decorator';
import type { TaskEntity } from '../../../src/modules/tasks/task.entity';
import type {
  SubmitOptions,
  SubmitOutcome,
} from '../../../src/modules/tasks/submission/task-submission';
import type { TasksService } from '../../../src/modules/tasks/tasks.service';
import { memoryTask } from './task-run';

/** One call of `submit`, as the fake received it. */
export interface Submission {
  name: string;
  payload: unknown;
  opts: SubmitOptions;
}

/**
 * The submission side of TasksService in memory, for testing a controller or a service that
 * submits work (the service tier): records every `submit(name, payload, opts)` and answers as
 * TasksService.submit does — the estimate of a dry run (`dry_run` in the options or the payload),
 * the same task for a repeated Idempotency-Key with the same body (422 with another body), a new
 * queued task otherwise, and, when the caller waits (`waitSeconds` > 0) and `endWith()` said how
 * tasks of that name end, the finished task.
 *
 * What it does not do: validate payloads against the task type's DTO, reuse stored results, queue
 * or run anything. Those are the integration tier's (`*.int.spec.ts`, `*.e2e.spec.ts`).
 */
export class FakeTasksService implements Pick<TasksService, 'submit'> {
  readonly submissions: Submission[] = [];
  /** What a dry run answers. */
  estimate: TaskEstimate = { calls: 0, cost_min_usd: 0, cost_max_usd: 0 };
  private readonly byKey = new Map<string, { task: TaskEntity; hash: string }>();
  private readonly endings = new Map<string, Partial<TaskEntity>>();

  /** Tasks of `name` that are waited for end with these fields (e.g. `{ status, result }`). */
  endWith(name: string, fields: Partial<TaskEntity>): this {
    this.endings.set(name, fields);
    return this;
  }

  /** The submissions of one task type, in order. */
  of(name: string): Submission[] {
    return this.submissions.filter((s) => s.name === name);
  }

  submit(name: string, payload: unknown, opts: SubmitOptions): Promise<SubmitOutcome> {
    this.submissions.push({ name, payload, opts });
    const body = (payload ?? {}) as Record<string, unknown>;
    if (opts.dryRun ?? body.dry_run === true) return Promise.resolve({ estimate: this.estimate });

    const hash = createHash('sha256')
      .update(stableStringify({ name, input: body }))
      .digest('hex');
    const key = opts.idempotencyKey;
    const existing = key ? this.byKey.get(key) : undefined;
    if (existing) {
      if (existing.hash !== hash) {
        return Promise.reject(
          new UnprocessableEntityException({
            detail:
              'Idempotency-Key was already used with a different request body; use a new key for a new task',
            job_id: existing.task.id,
          }),
        );
      }
      return Promise.resolve({
        task: existing.task,
        created: false,
        reused: false,
        finished: false,
      });
    }

    const task = memoryTask({
      type: name,
      status: 'queued',
      startedAt: null,
      attempts: 0,
      input: body,
      idempotencyKey: key ?? null,
      requestHash: hash,
      accountId: typeof body.account_id === 'string' ? body.account_id : null,
      traceId: opts.traceId,
    });
    if (key) this.byKey.set(key, { task, hash });

    const ending = this.endings.get(name);
    if ((opts.waitSeconds ?? 0) > 0 && ending) {
      Object.assign(task, { status: 'succeeded', finishedAt: new Date(), ...ending });
      return Promise.resolve({ task, created: true, reused: false, finished: true });
    }
    return Promise.resolve({ task, created: true, reused: false, finished: false });
  }
}
