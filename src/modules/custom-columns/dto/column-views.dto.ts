import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { RESPONSE_TYPES } from '../run/response-types';

export class ColumnDefinitionDto {
  @ApiProperty({ example: 'company_size' }) column_id!: string;
  @ApiProperty({ nullable: true, type: String }) tenant_id!: string | null;
  @ApiProperty({ nullable: true, type: String }) name!: string | null;
  @ApiProperty({ nullable: true, type: String }) description!: string | null;
  @ApiProperty({ nullable: true, enum: ['account', 'lead'] }) entity_type!: string | null;
  @ApiProperty() question!: string;
  @ApiProperty({ enum: RESPONSE_TYPES }) response_type!: string;
  @ApiProperty({ type: 'object', additionalProperties: true })
  response_config!: Record<string, unknown>;
  @ApiProperty({
    type: 'array',
    items: {
      anyOf: [
        { type: 'string' },
        { type: 'number' },
        { type: 'boolean' },
        { type: 'object', additionalProperties: true },
      ],
    },
  })
  examples!: unknown[];
  @ApiProperty({
    type: 'array',
    items: {
      anyOf: [
        { type: 'string' },
        { type: 'number' },
        { type: 'boolean' },
        { type: 'object', additionalProperties: true },
      ],
    },
  })
  validation_rules!: unknown[];
  @ApiProperty({ type: 'object', additionalProperties: true }) ai_config!: Record<string, unknown>;
  @ApiProperty({ type: [String], description: 'Columns the question cites ({{column:<id>}})' })
  depends_on!: string[];
  @ApiProperty({ enum: ['api', 'seed'] }) source!: string;
  @ApiProperty() created_at!: string;
  @ApiProperty() updated_at!: string;
}

export class ColumnListDto {
  @ApiProperty({ type: [ColumnDefinitionDto] }) items!: ColumnDefinitionDto[];
  @ApiProperty({ nullable: true, type: String }) next_cursor!: string | null;
}

/** The seed's CustomColumnValue (A5) plus sources, search_validation and provenance. */
export class ColumnValueDto {
  @ApiProperty() column_id!: string;
  @ApiProperty() entity_id!: string;
  @ApiPropertyOptional() value_string?: string;
  @ApiPropertyOptional() value_number?: number;
  @ApiPropertyOptional() value_boolean?: boolean;
  @ApiPropertyOptional() value_enum?: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true }) value_json?: unknown;
  @ApiPropertyOptional({ minimum: 0, maximum: 1 }) confidence_score?: number;
  @ApiPropertyOptional({ description: 'Markdown' }) rationale?: string;
  @ApiProperty() generated_at!: string;
  @ApiProperty({ enum: ['completed', 'error'] }) status!: string;
  @ApiProperty({ type: [String] }) sources!: string[];
  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  error_details?: Record<string, unknown>;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  search_validation?: Record<string, unknown>;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      'method, provider, model, cost_usd, task_id, sources, cached, llm_calls, retrieved_at',
  })
  provenance!: Record<string, unknown>;
}

export class ColumnValueListDto {
  @ApiProperty({ type: [ColumnValueDto] }) items!: ColumnValueDto[];
  @ApiProperty({ nullable: true, type: String }) next_cursor!: string | null;
}
