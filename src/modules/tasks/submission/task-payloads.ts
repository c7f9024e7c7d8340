import { Injectable, NotFoundException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Principal } from '../../../common/auth/principal';
import { FieldError, validatePayload } from '../../../common/http/validation';
import { TaskCallbacks } from '../engine/task-callbacks';
import { TaskRegistry } from '../engine/task-registry';
import { ResolvedTaskType } from '../engine/task-type.decorator';
import { TaskEntity } from '../task.entity';

/**
 * What a payload becomes before anything is stored: its task type (404 for an unknown name), the
 * field errors of its type's DTO and of the control fields every type understands, and the row of
 * a new task (tenant, scope, entities, callback, budget).
 */
@Injectable()
export class TaskPayloads {
  constructor(
    private readonly registry: TaskRegistry,
    private readonly callbacks: TaskCallbacks,
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

  /** Why a callback URL would be refused (null: it is accepted). */
  urlProblem(url: unknown): string | null {
    return this.callbacks.urlProblem(url);
  }

  async validated(
    type: ResolvedTaskType<any>,
    payload: unknown,
    prefix = '',
    seed = false,
  ): Promise<FieldError[]> {
    const errors = await validatePayload((seed && type.seedInput) || type.input, payload, prefix);
    const field = (name: string) => (prefix ? `${prefix}.${name}` : name);
    const p = (payload ?? {}) as Record<string, unknown>;
    if (p.callback_url !== undefined && p.callback_url !== null) {
      const problem = this.urlProblem(p.callback_url);
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

  newTask(
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
}

const str = (v: unknown): string | null =>
  typeof v === 'string' && v.trim()
    ? v.trim().slice(0, 255)
    : typeof v === 'number'
      ? String(v)
      : null;

export function isMoney(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0;
}

function isIdText(v: unknown, max: number): v is string {
  return typeof v === 'string' && v.length >= 1 && v.length <= max;
}

/**
 * The tenant a new task belongs to: the caller's when it is bound to one; for an operator, the
 * payload's `tenant_id` (an operator acts on a tenant's behalf), else none.
 */
export function tenantFor(caller: Principal, input: Record<string, unknown>): string | null {
  if (caller.tenant !== null) return caller.tenant;
  return isIdText(input.tenant_id, 100) ? input.tenant_id : null;
}
