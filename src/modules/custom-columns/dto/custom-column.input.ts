import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { IsBoundedJson } from '../../../common/http/validation';
import { COLUMN_ID_RE } from '../dependencies/column-refs';
import { RESPONSE_TYPES, ResponseConfig, ResponseType } from '../run/response-types';
import { IsAvailableModel, IsResponseConfig } from './column-validators';

/** Most entities one run takes (the seed's client sends 10 per batch; the typed route more). */
export const MAX_ENTITIES = 5000;

/** Context and config objects: bounded JSON (the entity context a client sends can be large). */
const CONTEXT_LIMITS = {
  maxDepth: 16,
  maxArrayLength: 5000,
  maxStringLength: 200_000,
  maxTotalLength: 20_000_000,
  maxKeys: 200_000,
  maxKeyLength: 255,
  maxValues: 1_000_000,
};

export class AiConfigDto {
  @ApiPropertyOptional({
    description:
      'The model: gpt-* (OpenAI), gemini-* (Gemini), sonar* (Perplexity), or a model the OpenAI-compatible server lists. Absent: COLUMNS_DEFAULT_MODEL, else the first configured LLM',
    example: 'gpt-4o-mini',
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  @IsAvailableModel()
  model?: string;

  @ApiPropertyOptional({ description: 'Answer from a web search, with cited sources' })
  @IsOptional()
  @IsBoolean()
  use_internet?: boolean;

  @ApiPropertyOptional({ description: 'Default 0 with use_internet, else 0.2', minimum: 0 })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(2)
  temperature?: number;

  @ApiPropertyOptional({ description: 'Accepted for the seed client; no provider option uses it' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100_000)
  thinking_budget?: number;

  @ApiPropertyOptional({ description: 'The model answers in Markdown; the value is read from it' })
  @IsOptional()
  @IsBoolean()
  unstructured_response?: boolean;

  @ApiPropertyOptional({ description: 'A second, grounded check of each answer (A6)' })
  @IsOptional()
  @IsBoolean()
  validate_with_search?: boolean;

  @ApiPropertyOptional({
    description: 'Accepted for the seed client; LinkedIn activity is not fetched',
  })
  @IsOptional()
  @IsBoolean()
  use_linkedin_activity?: boolean;
}

export class ColumnConfigDto {
  @ApiPropertyOptional({ example: 'col_1' })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  id?: string;

  @ApiPropertyOptional({ example: 'Company size band' })
  @IsOptional()
  @IsString()
  @MaxLength(300)
  name?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  description?: string;

  @ApiProperty({
    description: 'The question; `{{column:<id>}}` cites another column of the same entity',
    example: 'How many employees does this company have?',
  })
  @IsString()
  @MinLength(1)
  @MaxLength(10_000)
  question!: string;

  @ApiProperty({ enum: RESPONSE_TYPES })
  @IsIn(RESPONSE_TYPES as unknown as string[], {
    message: `response_type must be one of ${RESPONSE_TYPES.join(', ')}`,
  })
  response_type!: ResponseType;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      'string: {max_length}; number: {min, max, unit}; enum: {allowed_values}; json_object: {schema}',
    example: { allowed_values: ['small', 'mid-market', 'enterprise'] },
  })
  @IsDefined({ message: 'column_config.response_config is required (an object, {} for boolean)' })
  @IsObject()
  @IsBoundedJson(CONTEXT_LIMITS)
  @IsResponseConfig()
  response_config!: ResponseConfig;

  @ApiPropertyOptional({
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
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsBoundedJson(CONTEXT_LIMITS)
  examples?: unknown[];

  @ApiPropertyOptional({
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
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsBoundedJson(CONTEXT_LIMITS)
  validation_rules?: unknown[];
}

/**
 * Input of `custom_column` (seed 001, SEED-CONTRACTS A2.4), as Django sends it, and as
 * `POST /api/v1/columns/{column_id}/run` builds it from a stored definition.
 */
export class CustomColumnInput {
  @ApiProperty({ example: 'col_1' })
  @IsString()
  @Matches(COLUMN_ID_RE, {
    message: 'column_id must be 1–255 letters, digits, ".", "_", ":" or "-"',
  })
  column_id!: string;

  @ApiProperty({ type: [String], example: ['acct_1', 'acct_2'] })
  @IsArray()
  @ArrayMinSize(1, { message: 'entity_ids must name at least one entity' })
  @ArrayMaxSize(MAX_ENTITIES)
  @IsString({ each: true })
  @MinLength(1, { each: true })
  @MaxLength(255, { each: true })
  entity_ids!: string[];

  @ApiProperty({ type: ColumnConfigDto })
  @IsDefined({ message: 'column_config is required' })
  @IsObject()
  @ValidateNested()
  @Type(() => ColumnConfigDto)
  column_config!: ColumnConfigDto;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'Per entity id, what is known of it (account_info, lead_info, company, …)',
    example: { acct_1: { account_info: { name: 'Globex', website: 'globex.com' } } },
  })
  @IsDefined({ message: 'context_data is required (an object keyed by entity id)' })
  @IsObject()
  @IsBoundedJson(CONTEXT_LIMITS)
  context_data!: Record<string, unknown>;

  @ApiProperty({ type: AiConfigDto })
  @IsDefined({
    message:
      'ai_config is required (an object; ai_config.model chooses the provider, e.g. {"model":"gpt-4o-mini"})',
  })
  @IsObject()
  @ValidateNested()
  @Type(() => AiConfigDto)
  ai_config!: AiConfigDto;

  @ApiPropertyOptional({ enum: ['account', 'lead'] })
  @IsOptional()
  @IsIn(['account', 'lead'], { message: 'entity_type must be account or lead' })
  entity_type?: 'account' | 'lead';

  @ApiPropertyOptional({ description: 'Entities per progress step (default 10)', minimum: 1 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1000)
  batch_size?: number;

  @ApiPropertyOptional({ description: 'Entities answered at once (default 5)', minimum: 1 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(50)
  concurrent_requests?: number;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'Echoed in the completed callback (Django chains columns)',
  })
  @IsOptional()
  @IsObject()
  orchestration_data?: Record<string, unknown>;

  @ApiPropertyOptional({ description: 'Answer again instead of reusing cached values' })
  @IsOptional()
  @IsBoolean()
  refresh?: boolean;
}

/** Defaults of a run (the seed's). */
export const DEFAULT_BATCH_SIZE = 10;
export const DEFAULT_CONCURRENCY = 5;
