import { Injectable } from '@nestjs/common';
import { InvalidFieldsException } from '../../../common/http/validation';
import { ResolvedTaskType, TaskEstimate } from '../engine/task-type.decorator';
import { isMoney, TaskPayloads } from './task-payloads';

/**
 * Dry runs: what a task (or a batch) would call and spend, as its task type estimates it, with a
 * note when the worst case is above the budget. Nothing is stored or run.
 */
@Injectable()
export class TaskEstimates {
  constructor(private readonly payloads: TaskPayloads) {}

  /** Validates the payload and asks the task type what it would call and spend. */
  async estimate(name: string, payload: unknown, seed = false): Promise<TaskEstimate> {
    const type = this.payloads.taskType(name);
    const errors = await this.payloads.validated(type, payload, '', seed);
    if (errors.length) throw new InvalidFieldsException(errors);
    return this.ofValid(type, payload as Record<string, unknown>);
  }

  /** The estimate of a payload already validated. */
  async ofValid(
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

  /** The sum of a batch's (validated) payloads' estimates, against the batch budget. */
  async ofBatch(
    type: ResolvedTaskType<any>,
    payloads: Record<string, unknown>[],
    budgetUsd: number | undefined,
  ): Promise<TaskEstimate> {
    const total: TaskEstimate = { calls: 0, cost_min_usd: 0, cost_max_usd: 0 };
    for (const p of payloads) {
      const e = await this.ofValid(type, p);
      total.calls += e.calls;
      total.cost_min_usd += e.cost_min_usd;
      total.cost_max_usd += e.cost_max_usd;
    }
    if (budgetUsd !== undefined && total.cost_max_usd > budgetUsd) {
      total.notes = [
        `the worst case ($${total.cost_max_usd}) is above the batch budget ($${budgetUsd})`,
      ];
    }
    return total;
  }
}
