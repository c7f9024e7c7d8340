import { Injectable, NotFoundException } from '@nestjs/common';
import type { Principal } from '../../../common/auth/principal';
import { cursorParam, Page, toPage } from '../../../common/http/paging';
import { InvalidFieldsException, validatePayload } from '../../../common/http/validation';
import { COLUMN_ID_RE } from '../dependencies/column-refs';
import { DefinitionSync } from '../dependencies/definition-sync';
import type {
  DefineColumnDto,
  ListColumnsQueryDto,
  ListValuesQueryDto,
} from '../dto/column-requests.dto';
import { RunColumnDto } from '../dto/column-requests.dto';
import type { ColumnDefinitionDto, ColumnValueDto } from '../dto/column-views.dto';
import { toValue } from '../run/column-values';
import { ModelCatalog } from '../run/model-catalog';
import type { ColumnDefinitionEntity } from '../storage/column-definition.entity';
import { ColumnsRepository, tenantKey } from '../storage/columns.repository';

const iso = (d: Date | string) => new Date(d).toISOString();
const encode = (parts: string[]) => Buffer.from(JSON.stringify(parts)).toString('base64url');
function decode(n: number) {
  return (cursor: string): string[] | null => {
    try {
      const v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
      return Array.isArray(v) && v.length === n && v.every((x) => typeof x === 'string') ? v : null;
    } catch {
      return null;
    }
  };
}

export function toDefinitionDto(d: ColumnDefinitionEntity): ColumnDefinitionDto {
  return {
    column_id: d.columnId,
    tenant_id: d.tenantId || null,
    name: d.name,
    description: d.description,
    entity_type: d.entityType,
    question: d.question,
    response_type: d.responseType,
    response_config: d.responseConfig as Record<string, unknown>,
    examples: d.examples,
    validation_rules: d.validationRules,
    ai_config: d.aiConfig,
    depends_on: d.dependsOn,
    source: d.source,
    created_at: iso(d.createdAt),
    updated_at: iso(d.updatedAt),
  };
}

/** The tenant a caller acts for: its own, or an operator's chosen one (undefined: every tenant). */
const tenantOf = (caller: Principal, requested?: string): string | undefined =>
  caller.tenant !== null ? caller.tenant : requested;

/**
 * Stored column definitions and values as a caller sees them (a tenant key: its tenant's only),
 * and the payload of a typed run built from a stored definition.
 */
@Injectable()
export class ColumnsService {
  constructor(
    private readonly repo: ColumnsRepository,
    private readonly sync: DefinitionSync,
    private readonly catalog: ModelCatalog,
  ) {}

  async define(body: DefineColumnDto, caller: Principal): Promise<ColumnDefinitionDto> {
    const model = body.ai_config?.model;
    if (model) {
      const route = await this.catalog.route(model);
      if (!route.ok)
        throw new InvalidFieldsException([{ field: 'ai_config.model', message: route.message }]);
    }
    const tenant = tenantKey(tenantOf(caller, body.tenant_id));
    const { tenant_id: _t, ...d } = body;
    const out = await this.sync.define(tenant, {
      ...d,
      response_config: d.response_config as Record<string, unknown>,
      ai_config: { ...(d.ai_config ?? {}) } as Record<string, unknown>,
    });
    if (!out.ok) throw new InvalidFieldsException([{ field: out.field, message: out.message }]);
    return toDefinitionDto(out.definition);
  }

  async list(q: ListColumnsQueryDto, caller: Principal): Promise<Page<ColumnDefinitionDto>> {
    const limit = q.limit ?? 100;
    const after = cursorParam(q.cursor, decode(2));
    const tenant = tenantOf(caller, q.tenant_id);
    const rows = await this.repo.listDefinitions(
      tenant,
      after ? { columnId: after[0], tenantId: after[1] } : undefined,
      limit + 1,
    );
    return toPage(rows, limit, toDefinitionDto, (r) => encode([r.columnId, r.tenantId]));
  }

  /** A caller's column, or 404 (also for another tenant's). */
  async definition(columnId: string, caller: Principal, requested?: string) {
    // An id no column can have (a NUL byte, 300 characters) is not looked up.
    const d = COLUMN_ID_RE.test(columnId)
      ? await this.repo.findDefinition(tenantOf(caller, requested), columnId)
      : null;
    if (!d)
      throw new NotFoundException({
        detail: `No column "${columnId}"; define it with POST /api/v1/columns`,
      });
    return d;
  }

  async values(
    columnId: string,
    q: ListValuesQueryDto,
    caller: Principal,
  ): Promise<Page<ColumnValueDto>> {
    const d = await this.definition(columnId, caller, q.tenant_id);
    const limit = q.limit ?? 100;
    const after = cursorParam(q.cursor, decode(1));
    const rows = await this.repo.listValues(
      d.tenantId,
      d.columnId,
      after?.[0],
      limit + 1,
      q.status,
    );
    return toPage(
      rows,
      limit,
      (r) => toValue(r) as unknown as ColumnValueDto,
      (r) => encode([r.entityId]),
    );
  }

  /**
   * The custom_column payload of a typed run: the stored definition as its column_config and
   * ai_config (a missing model is COLUMNS_DEFAULT_MODEL's at run time), the body's entities and
   * options. Looked up first, so another tenant's column is a 404 whatever the body.
   */
  async runPayload(
    columnId: string,
    body: unknown,
    caller: Principal,
  ): Promise<{ payload: RunColumnDto & Record<string, unknown>; dryRun: boolean }> {
    const requested = (body as { tenant_id?: unknown } | null)?.tenant_id;
    const d = await this.definition(
      columnId,
      caller,
      typeof requested === 'string' ? requested : undefined,
    );
    const errors = await validatePayload(RunColumnDto, body);
    if (errors.length) throw new InvalidFieldsException(errors);
    const { dry_run, ...run } = body as RunColumnDto & { tenant_id?: string };
    delete run.tenant_id;
    return {
      dryRun: dry_run === true,
      payload: {
        ...run,
        column_id: d.columnId,
        column_config: {
          id: d.columnId,
          ...(d.name ? { name: d.name } : {}),
          ...(d.description ? { description: d.description } : {}),
          question: d.question,
          response_type: d.responseType,
          response_config: d.responseConfig,
          examples: d.examples,
          validation_rules: d.validationRules,
        },
        ai_config: d.aiConfig,
        ...(d.entityType ? { entity_type: d.entityType } : {}),
        ...(d.tenantId ? { tenant_id: d.tenantId } : {}),
      },
    };
  }
}
