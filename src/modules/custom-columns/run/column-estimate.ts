import { Injectable } from '@nestjs/common';
import { ProviderClient } from '../../../providers/core/provider-client';
import { ProviderRegistry } from '../../../providers/core/provider-registry';
import type { LlmGenerateInput } from '../../../providers/llm/llm.types';
import type { TaskEstimate } from '../../tasks/engine/task-type.decorator';
import { ColumnsSettings } from '../columns.settings';
import { columnRefs } from '../dependencies/column-refs';
import type { CustomColumnInput } from '../dto/custom-column.input';
import { answerSchema, ColumnSpec, systemPrompt, userPrompt } from './column-prompts';
import { ModelCatalog } from './model-catalog';

const round = (n: number) => Math.round(n * 1e6) / 1e6;

/**
 * The dry run of a column: per entity its real prompt priced by the routed provider's cost model
 * at the output bound — an answer and a repair, two more with validate_with_search — as the
 * worst case; 0 when every value is served from the store.
 */
@Injectable()
export class ColumnEstimate {
  constructor(
    private readonly client: ProviderClient,
    private readonly registry: ProviderRegistry,
    private readonly catalog: ModelCatalog,
    private readonly settings: ColumnsSettings,
  ) {}

  async estimate(input: CustomColumnInput): Promise<TaskEstimate> {
    const notes: string[] = [];
    const model = input.ai_config?.model ?? this.settings.defaultModel;
    const route = model ? await this.catalog.route(model) : null;
    const provider = route?.ok
      ? route.provider
      : route
        ? null
        : (this.registry.forCapability('llm.generate')[0]?.meta.id ?? null);
    if (route && !route.ok) notes.push(route.message);
    if (!provider) {
      notes.push('no LLM provider would answer: every value would be an error');
      return { calls: 0, cost_min_usd: 0, cost_max_usd: 0, notes };
    }
    const c = input.column_config;
    const spec: ColumnSpec = {
      name: c.name,
      description: c.description,
      question: c.question,
      response_type: c.response_type,
      response_config: c.response_config ?? {},
      examples: c.examples,
      validation_rules: c.validation_rules,
      entity_type: input.entity_type,
    };
    const internet = input.ai_config?.use_internet === true;
    const unstructured = input.ai_config?.unstructured_response === true;
    const perEntity = input.ai_config?.validate_with_search ? 4 : 2;
    const today = new Date().toISOString().slice(0, 10);
    let max = 0;
    const ids = [...new Set(input.entity_ids)];
    for (const id of ids) {
      const request: LlmGenerateInput = {
        system: systemPrompt(spec, internet, unstructured),
        prompt: userPrompt(spec, input.context_data?.[id], today),
        ...(unstructured ? {} : { schema: answerSchema(spec, internet) }),
        ...(internet ? { webSearch: true } : {}),
        ...(route?.ok ? { model: route.model } : {}),
      };
      max +=
        perEntity * this.client.maxCost(provider, { capability: 'llm.generate', input: request });
    }
    notes.push(
      `${provider}${route?.ok ? ` (${route.model})` : ''}: an answer and at most one repair per entity${perEntity === 4 ? ', two more for the search check' : ''}; stored values of the same definition, context and model cost nothing`,
    );
    if (columnRefs(c.question).length)
      notes.push(
        'the columns the question cites are not counted (their stored values are used when present)',
      );
    return { calls: ids.length * perEntity, cost_min_usd: 0, cost_max_usd: round(max), notes };
  }
}
