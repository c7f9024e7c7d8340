import {
  ApiProperty,
  ApiPropertyOptional,
  IntersectionType,
  OmitType,
  PickType,
} from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
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
  ValidateNested,
} from 'class-validator';
import { IsBoundedJson } from '../../../common/http/validation';
import { TypedTaskOptionsDto } from '../../tasks/dto/typed-task-options.dto';
import { COLUMN_ID_RE } from '../dependencies/column-refs';
import { AiConfigDto, ColumnConfigDto, CustomColumnInput } from './custom-column.input';

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

/** The entities, their limits and the echo of the seed payload, as the seed route takes them. */
class RunFieldsDto extends PickType(CustomColumnInput, [
  'entity_ids',
  'batch_size',
  'concurrent_requests',
  'orchestration_data',
] as const) {
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
