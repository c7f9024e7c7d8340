import { Injectable } from '@nestjs/common';
import { stableStringify } from '../../../common/stable-json';
import type { CustomColumnInput } from '../dto/custom-column.input';
import type { ColumnDefinitionEntity } from '../storage/column-definition.entity';
import { ColumnsRepository, DefinitionToSave } from '../storage/columns.repository';
import { columnRefs, findCycle } from './column-refs';

/** A column definition as the API and a run's column_config give it. */
export interface DefinitionInput {
  column_id: string;
  name?: string;
  description?: string;
  entity_type?: 'account' | 'lead';
  question: string;
  response_type: string;
  response_config: Record<string, unknown>;
  examples?: unknown[];
  validation_rules?: unknown[];
  ai_config?: Record<string, unknown>;
}

export type DefineOutcome =
  { ok: true; definition: ColumnDefinitionEntity } | { ok: false; field: string; message: string };

/** What decides a column's answers: a stored copy equal in these needs no write. */
const content = (d: Omit<DefinitionToSave, 'source'>) =>
  stableStringify({
    name: d.name,
    description: d.description,
    entityType: d.entityType,
    question: d.question,
    responseType: d.responseType,
    responseConfig: d.responseConfig,
    examples: d.examples,
    validationRules: d.validationRules,
    aiConfig: d.aiConfig,
  });

/**
 * Stored column definitions and their dependency graph: a definition whose question cites a
 * column that is not defined, or that would close a cycle, is refused when it is defined (the
 * typed API), and a seed run whose column_config closes one fails before any LLM call.
 */
@Injectable()
export class DefinitionSync {
  constructor(private readonly repo: ColumnsRepository) {}

  private row(tenantId: string, d: DefinitionInput, source: string): DefinitionToSave {
    return {
      tenantId,
      columnId: d.column_id,
      name: d.name ?? null,
      description: d.description ?? null,
      entityType: d.entity_type ?? null,
      question: d.question,
      responseType: d.response_type,
      responseConfig: d.response_config,
      examples: d.examples ?? [],
      validationRules: d.validation_rules ?? [],
      aiConfig: d.ai_config ?? {},
      dependsOn: columnRefs(d.question),
      source,
    };
  }

  /** Defines (or redefines) a column through the API. */
  async define(tenantId: string, d: DefinitionInput): Promise<DefineOutcome> {
    const row = this.row(tenantId, d, 'api');
    const graph = await this.repo.graph(tenantId);
    const missing = row.dependsOn.filter((id) => id !== d.column_id && !graph.has(id));
    if (missing.length)
      return {
        ok: false,
        field: 'question',
        message: `the question cites ${missing.map((m) => `{{column:${m}}}`).join(', ')}, which ${missing.length > 1 ? 'are' : 'is'} not defined; define ${missing.length > 1 ? 'them' : 'it'} first`,
      };
    const cycle = findCycle(d.column_id, row.dependsOn, graph);
    if (cycle)
      return {
        ok: false,
        field: 'question',
        message: `the question's column references form a cycle: ${cycle.join(' → ')}`,
      };
    return { ok: true, definition: await this.repo.saveDefinition(row) };
  }

  /**
   * Stores the definition a run carries (the seed's column_config) unless the stored one says the
   * same; null, or why the run cannot go on (a cycle).
   */
  async syncFromRun(tenantId: string, input: CustomColumnInput): Promise<string | null> {
    const c = input.column_config;
    const row = this.row(
      tenantId,
      {
        column_id: input.column_id,
        name: c.name,
        description: c.description,
        entity_type: input.entity_type,
        question: c.question,
        response_type: c.response_type,
        response_config: (c.response_config ?? {}) as Record<string, unknown>,
        examples: c.examples,
        validation_rules: c.validation_rules,
        ai_config: (input.ai_config ?? {}) as Record<string, unknown>,
      },
      'seed',
    );
    const graph = await this.repo.graph(tenantId);
    const cycle = findCycle(input.column_id, row.dependsOn, graph);
    if (cycle) return `column dependencies form a cycle: ${cycle.join(' → ')}`;
    const stored = await this.repo.findDefinition(tenantId, input.column_id);
    if (stored && content(stored) === content(row)) return null;
    await this.repo.saveDefinition({ ...row, source: stored?.source ?? 'seed' });
    return null;
  }
}
