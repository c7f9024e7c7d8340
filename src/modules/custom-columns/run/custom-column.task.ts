import { TaskContext } from '../../tasks/engine/task-context';
import { TaskError } from '../../tasks/engine/task-errors';
import { TaskEstimate, TaskHandler, TaskType } from '../../tasks/engine/task-type.decorator';
import { ColumnsSettings } from '../columns.settings';
import { DefinitionSync } from '../dependencies/definition-sync';
import {
  CustomColumnInput,
  DEFAULT_BATCH_SIZE,
  DEFAULT_CONCURRENCY,
} from '../dto/custom-column.input';
import { tenantKey } from '../storage/columns.repository';
import { ColumnEstimate } from './column-estimate';
import { ColumnEvaluator, ColumnToRun, Evaluated } from './column-evaluator';
import { buildResult, callbackEntities, columnSummary, CustomColumnResult } from './column-result';

export const COLUMN_TASK = 'custom_column';

/** The seed's per-batch progress (A2.4): batch i of n reports when i % max(1, n // 10) == 0 and last. */
export function batchReports(batches: number): boolean[] {
  const every = Math.max(1, Math.floor(batches / 10));
  return Array.from({ length: batches }, (_, i) => i % every === 0 || i === batches - 1);
}

/** int(10 + (i+1)/n·80), as the seed computed it. */
export const batchPercent = (i: number, n: number) => Math.trunc(10 + ((i + 1) / n) * 80);

/** Generous: every entity may need a repair and a search check, `concurrent_requests` at a time. */
function timeoutFor(input: CustomColumnInput): number {
  const n = input.entity_ids?.length ?? 1;
  const at = input.concurrent_requests ?? DEFAULT_CONCURRENCY;
  return Math.min(24 * 3600_000, 15 * 60_000 + Math.ceil(n / at) * 3 * 60_000);
}

/**
 * `custom_column` (seed 001, SEED-CONTRACTS A2.4): one AI-defined column over many entities,
 * `concurrent_requests` at a time (the seed ignored it), with the seed's progress callbacks (10 %
 * initialization, then per batch) and its completed callback (`values[]`, `orchestration_data`
 * echoed). Values are stored as they are made, so a retried attempt reuses them from the cache.
 */
@TaskType({
  name: 'custom_column',
  input: CustomColumnInput,
  enrichmentType: 'custom_column',
  callbackSource: 'custom_column',
  progressCallbacks: true,
  concurrency: 4,
  maxAttempts: 3,
  timeoutMs: 15 * 60_000,
  timeoutFor,
  description:
    'An AI-defined column over entities: {column_id, entity_ids, column_config{question, response_type, response_config}, context_data, ai_config}',
  entities: callbackEntities,
  summarize: columnSummary,
})
export class CustomColumnTask implements TaskHandler<CustomColumnInput, CustomColumnResult> {
  constructor(
    private readonly evaluator: ColumnEvaluator,
    private readonly definitions: DefinitionSync,
    private readonly settings: ColumnsSettings,
    private readonly estimator: ColumnEstimate,
  ) {}

  estimate(input: CustomColumnInput): Promise<TaskEstimate> {
    return this.estimator.estimate(input);
  }

  async run(ctx: TaskContext<CustomColumnInput>): Promise<CustomColumnResult> {
    const started = new Date();
    const input = ctx.input;
    await ctx.progress('initialization', 10, 'starting', { data: { stage: 'initialization' } });
    const tenantId = tenantKey(ctx.task.tenantId);
    const problem = await this.definitions.syncFromRun(tenantId, input);
    if (problem) throw TaskError.permanent('BAD_INPUT', problem);
    const column: ColumnToRun = {
      tenantId,
      columnId: input.column_id,
      name: input.column_config.name ?? null,
      spec: {
        ...(input.column_config.name ? { name: input.column_config.name } : {}),
        ...(input.column_config.description
          ? { description: input.column_config.description }
          : {}),
        question: input.column_config.question,
        response_type: input.column_config.response_type,
        response_config: input.column_config.response_config ?? {},
        examples: input.column_config.examples ?? [],
        validation_rules: input.column_config.validation_rules ?? [],
        ...(input.entity_type ? { entity_type: input.entity_type } : {}),
      },
      ai: input.ai_config ?? {},
    };
    const ids = [...new Set(input.entity_ids)];
    const size = input.batch_size ?? DEFAULT_BATCH_SIZE;
    const batches = Math.max(1, Math.ceil(ids.length / size));
    const reports = batchReports(batches);
    const run = {
      taskId: ctx.taskId,
      refresh: input.refresh === true,
      today: started.toISOString().slice(0, 10),
      since: this.settings.cacheSince(started),
      call: () => ctx.providerScope(),
    };

    const out: Array<Evaluated | undefined> = new Array(ids.length);
    const left = Array.from({ length: batches }, (_, b) => Math.min(size, ids.length - b * size));
    let reported = 0;
    let reporting = Promise.resolve();
    // Batches report in order as soon as each and those before it are done (one report at a time,
    // so that a later batch's percentage never lands before an earlier one's).
    const reportDone = () => (reporting = reporting.then(report));
    const report = async () => {
      while (reported < batches && left[reported] === 0) {
        const i = reported++;
        if (!reports[i]) continue;
        await ctx.progress(
          `batch_${i + 1}`,
          batchPercent(i, batches),
          `batch ${i + 1} of ${batches}`,
          {
            data: {
              stage: 'processing',
              processed_count: Math.min((i + 1) * size, ids.length),
              total_count: ids.length,
              batch_completed: i + 1,
              total_batches: batches,
            },
          },
        );
      }
    };
    let next = 0;
    const worker = async () => {
      while (next < ids.length) {
        const k = next++;
        ctx.throwIfAborted();
        out[k] = await this.evaluator.evaluate(column, ids[k], input.context_data?.[ids[k]], run);
        left[Math.floor(k / size)]--;
        // Not awaited: a worker goes on with its next entity while the report is written.
        void reportDone().catch(() => undefined);
      }
    };
    const width = Math.min(input.concurrent_requests ?? DEFAULT_CONCURRENCY, ids.length);
    await Promise.all(Array.from({ length: width }, worker));
    // The last reports (and a cancel one of them saw) before the result.
    await reporting;

    const done = out.filter((e): e is Evaluated => !!e);
    return buildResult(
      input,
      done.map((e) => e.value),
      {
        cached: done.filter((e) => e.cached).length,
        llmCalls: done.reduce((s, e) => s + e.llmCalls, 0),
        costUsd: done.reduce((s, e) => s + e.costUsd, 0),
        started,
      },
    );
  }
}
