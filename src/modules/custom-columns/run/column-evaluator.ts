import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { stableStringify } from '../../../common/stable-json';
import type { CallScope } from '../../../providers/core/provider-client';
import { ColumnsSettings } from '../columns.settings';
import { columnRefs, substituteRefs } from '../dependencies/column-refs';
import type { ColumnDefinitionEntity } from '../storage/column-definition.entity';
import { ColumnsRepository } from '../storage/columns.repository';
import type { AiConfigDto } from '../dto/custom-column.input';
import { ColumnGenerator, Generated } from './column-generator';
import type { ColumnSpec } from './column-prompts';
import { CustomColumnValue, failedGeneration, rowOf, toValue } from './column-values';
import { ModelCatalog } from './model-catalog';
import { askModel } from './model-routing';
import { valueText } from './response-types';

const sha = (v: unknown) => createHash('sha256').update(stableStringify(v)).digest('hex');

/** A column as a run asks it: where it is stored, its spec and AI settings. */
export interface ColumnToRun {
  tenantId: string;
  columnId: string;
  name: string | null;
  spec: ColumnSpec;
  ai: AiConfigDto;
}

/** What one run shares across its entities. */
export interface RunScope {
  taskId: string;
  refresh: boolean;
  today: string;
  since: Date;
  call: () => CallScope;
}

export interface Evaluated {
  value: CustomColumnValue;
  cached: boolean;
  llmCalls: number;
  costUsd: number;
}

/** The column a stored definition describes. */
export function columnOf(d: ColumnDefinitionEntity): ColumnToRun {
  return {
    tenantId: d.tenantId,
    columnId: d.columnId,
    name: d.name,
    spec: {
      ...(d.name ? { name: d.name } : {}),
      ...(d.description ? { description: d.description } : {}),
      question: d.question,
      response_type: d.responseType as ColumnSpec['response_type'],
      response_config: d.responseConfig,
      examples: d.examples,
      validation_rules: d.validationRules,
      ...(d.entityType ? { entity_type: d.entityType } : {}),
    },
    ai: d.aiConfig as AiConfigDto,
  };
}

/** What makes two definitions answer alike (the model is keyed apart). */
export function definitionHash(c: ColumnToRun): string {
  const { spec, ai } = c;
  return sha({
    question: spec.question,
    response_type: spec.response_type,
    response_config: spec.response_config,
    examples: spec.examples ?? [],
    validation_rules: spec.validation_rules ?? [],
    entity_type: spec.entity_type ?? null,
    description: spec.description ?? null,
    use_internet: ai.use_internet === true,
    unstructured: ai.unstructured_response === true,
    validate_with_search: ai.validate_with_search === true,
    temperature: ai.temperature ?? null,
  });
}

/**
 * One column's value for one entity: first the columns its question cites (their stored values,
 * or computed now from their stored definitions), then a stored value of the same definition,
 * entity context and model when one is fresh enough (unless refresh), else the LLM. Every value is
 * stored, per (tenant, column, entity).
 */
@Injectable()
export class ColumnEvaluator {
  constructor(
    private readonly repo: ColumnsRepository,
    private readonly generator: ColumnGenerator,
    private readonly catalog: ModelCatalog,
    private readonly settings: ColumnsSettings,
  ) {}

  async evaluate(
    column: ColumnToRun,
    entityId: string,
    context: unknown,
    run: RunScope,
    path: string[] = [],
  ): Promise<Evaluated> {
    const deps: Array<{ column_id: string; name: string | null; value: string }> = [];
    let spent = { llmCalls: 0, costUsd: 0 };
    let failure: Generated | null = null;
    for (const depId of columnRefs(column.spec.question)) {
      const dep = await this.dependency(column, depId, entityId, context, run, path);
      spent = { llmCalls: spent.llmCalls + dep.llmCalls, costUsd: spent.costUsd + dep.costUsd };
      if ('error' in dep) {
        failure = failedGeneration('DEPENDENCY_FAILED', dep.error);
        break;
      }
      deps.push({ column_id: depId, name: dep.name, value: dep.text });
    }
    const spec: ColumnSpec = {
      ...column.spec,
      question: substituteRefs(
        column.spec.question,
        new Map(deps.map((d) => [d.column_id, d.value])),
      ),
    };
    const model = column.ai.model ?? this.settings.defaultModel;
    const route = model ? await this.catalog.route(model) : null;
    if (!failure && route && !route.ok) failure = failedGeneration('BAD_INPUT', route.message);

    const cacheKey = sha({
      definition: definitionHash(column),
      context: sha({ context: context ?? null, deps }),
      model: model ?? 'auto',
    });
    const base = {
      tenantId: column.tenantId,
      columnId: column.columnId,
      entityId,
      cacheKey,
      taskId: run.taskId,
    };
    if (!failure && !run.refresh) {
      const hit = await this.repo.findCached(column.tenantId, cacheKey, run.since);
      if (hit) {
        const same = hit.columnId === column.columnId && hit.entityId === entityId;
        const provenance = {
          ...hit.provenance,
          cached: true,
          cached_from: {
            column_id: hit.columnId,
            task_id: hit.taskId,
            generated_at: hit.generatedAt.toISOString(),
          },
        };
        const { id: _id, createdAt: _c, updatedAt: _u, ...stored } = hit;
        const copy = { ...stored, ...base, taskId: hit.taskId, provenance };
        if (!same) await this.repo.saveValue(copy);
        return { value: toValue(copy), cached: true, ...spent };
      }
    }
    const g =
      failure ??
      (await this.generator.generate(
        spec,
        context,
        {
          ...(route?.ok
            ? {
                provider: route.provider,
                model: askModel(route.provider, route.model, column.ai.use_internet === true),
              }
            : {}),
          useInternet: column.ai.use_internet === true,
          // The seed's 0.0 with search; 0.2 without (the seed's 0.8 made a column's answers vary).
          temperature: column.ai.temperature ?? (column.ai.use_internet ? 0 : 0.2),
          ...(column.ai.thinking_budget !== undefined
            ? { thinkingBudget: column.ai.thinking_budget }
            : {}),
          unstructured: column.ai.unstructured_response === true,
          validateWithSearch: column.ai.validate_with_search === true,
        },
        deps,
        run.today,
        run.call(),
      ));
    const row = rowOf(base, g, new Date());
    await this.repo.saveValue(row);
    return {
      value: toValue(row),
      cached: false,
      llmCalls: spent.llmCalls + g.llm_calls,
      costUsd: spent.costUsd + g.cost_usd,
    };
  }

  /** A cited column's value for the entity: stored, else computed from its stored definition. */
  private async dependency(
    column: ColumnToRun,
    depId: string,
    entityId: string,
    context: unknown,
    run: RunScope,
    path: string[],
  ): Promise<
    | { text: string; name: string | null; llmCalls: number; costUsd: number }
    | { error: string; llmCalls: number; costUsd: number }
  > {
    const none = { llmCalls: 0, costUsd: 0 };
    const chain = [...path, column.columnId];
    if (chain.includes(depId))
      return {
        error: `column dependencies form a cycle: ${[...chain, depId].join(' → ')}`,
        ...none,
      };
    const def = await this.repo.findDefinition(column.tenantId, depId);
    const stored = (await this.repo.storedValues(column.tenantId, depId, [entityId])).get(entityId);
    const storedText = stored?.status === 'completed' ? valueText(toValue(stored)) : null;
    if (storedText !== null) return { text: storedText, name: def?.name ?? null, ...none };
    if (!def)
      return {
        error: `the question cites column "${depId}", which has no stored definition and no value for entity "${entityId}"`,
        ...none,
      };
    const e = await this.evaluate(
      columnOf(def),
      entityId,
      context,
      { ...run, refresh: false },
      chain,
    );
    const text = e.value.status === 'completed' ? valueText(e.value) : null;
    if (text === null) {
      const why = (e.value.error_details?.error as string | undefined) ?? 'no value';
      return {
        error: `column "${depId}" (cited by the question) failed: ${why}`,
        llmCalls: e.llmCalls,
        costUsd: e.costUsd,
      };
    }
    return { text, name: def.name, llmCalls: e.llmCalls, costUsd: e.costUsd };
  }
}
