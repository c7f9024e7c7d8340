import { ApiProperty, ApiPropertyOptional, IntersectionType, OmitType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsDefined,
  IsIn,
  IsInt,
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
import { TypedTaskOptionsDto } from '../../tasks/dto/typed-task-options.dto';
import { COLUMN_ID_RE } from '../dependencies/column-refs';
import { AiConfigDto, ColumnConfigDto, MAX_ENTITIES } from './custom-column.input';

const TENANT = () =>
  ApiPropertyOptional({
    description: "Operators only: the tenant the column belongs to (a tenant key's own otherwise)",
  });

/** `POST /api/v1/columns`: a column definition. */
export class DefineColumnDto extends OmitType(ColumnConfigDto, ['id'] as const) {
  @ApiProperty({ example: 'company_size' })
  @IsString()
  @Matches(COLUMN_ID_RE, {
    message: 'column_id must be 1–255 letters, digits, ".", "_", ":" or "-"',
  })
  column_id!: string;

  @ApiPropertyOptional({ enum: ['account', 'lead'] })
  @IsOptional()
  @IsIn(['account', 'lead'], { message: 'entity_type must be account or lead' })
  entity_type?: 'account' | 'lead';

  @ApiPropertyOptional({ type: AiConfigDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => AiConfigDto)
  ai_config?: AiConfigDto;

  @TENANT()
  @IsOptional()
  @IsString()
  @MaxLength(100)
  tenant_id?: string;
}

class RunFieldsDto {
  @ApiProperty({ type: [String], example: ['acct_1', 'acct_2'] })
  @IsArray()
  @ArrayMinSize(1, { message: 'entity_ids must name at least one entity' })
  @ArrayMaxSize(MAX_ENTITIES)
  @IsString({ each: true })
  @MinLength(1, { each: true })
  @MaxLength(255, { each: true })
  entity_ids!: string[];

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'Per entity id, what is known of it',
    example: { acct_1: { account_info: { name: 'Globex', website: 'globex.com' } } },
  })
  @IsDefined({ message: 'context_data is required (an object keyed by entity id)' })
  @IsObject()
  @IsBoundedJson({ maxDepth: 16, maxStringLength: 200_000, maxTotalLength: 20_000_000 })
  context_data!: Record<string, unknown>;

  @ApiPropertyOptional({ description: 'Entities per progress step (default 10)', minimum: 1 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1000)
  batch_size?: number;

  @ApiPropertyOptional({
    description: 'Entities answered at once (default 5)',
    minimum: 1,
    maximum: 50,
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(50)
  concurrent_requests?: number;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'Echoed in the completed callback',
  })
  @IsOptional()
  @IsObject()
  orchestration_data?: Record<string, unknown>;

  @ApiPropertyOptional({ description: "The caller's job id, echoed in callbacks" })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  job_id?: string;
}

/** `POST /api/v1/columns/{column_id}/run`: the entities, their context, and task options. */
export class RunColumnDto extends IntersectionType(RunFieldsDto, TypedTaskOptionsDto) {}

export class ListColumnsQueryDto {
  @ApiPropertyOptional({ description: 'next_cursor of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(600)
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;

  @TENANT()
  @IsOptional()
  @IsString()
  @MaxLength(100)
  tenant_id?: string;
}

export class ListValuesQueryDto extends ListColumnsQueryDto {
  @ApiPropertyOptional({ enum: ['completed', 'error'] })
  @IsOptional()
  @IsIn(['completed', 'error'])
  status?: 'completed' | 'error';
}
