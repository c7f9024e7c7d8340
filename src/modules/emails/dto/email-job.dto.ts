import { ApiProperty, ApiPropertyOptional, PickType } from '@nestjs/swagger';
import { ListEmailsQueryDto } from './email-requests.dto';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
} from 'class-validator';

export const JOB_STATES = [
  'pending',
  'running',
  'paused',
  'completed',
  'failed',
  'cancelled',
] as const;
export type JobState = (typeof JOB_STATES)[number];

/** `POST /api/v1/emails/jobs`: exactly one of `all`, `lead_ids`, `domains`, `rows`. */
export class CreateEmailJobDto {
  @ApiPropertyOptional({ description: 'Every stored lead of the tenant without a verified email' })
  @IsOptional()
  @IsBoolean()
  all?: boolean;

  @ApiPropertyOptional({ type: [String], description: 'Stored lead ids' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(10000)
  @IsUUID('all', { each: true, message: 'lead_ids must be UUIDs' })
  lead_ids?: string[];

  @ApiPropertyOptional({ type: [String], example: ['acme.com'] })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(10000)
  @IsString({ each: true })
  @MaxLength(255, { each: true })
  domains?: string[];

  @ApiPropertyOptional({
    type: 'array',
    items: { type: 'object', additionalProperties: true },
    description:
      'Rows of `email_finding` inputs (`domain` with `first_name`/`last_name` or `full_name`, or `lead_id`), e.g. a CSV',
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(10000)
  @IsObject({ each: true })
  rows?: Record<string, unknown>[];

  @ApiPropertyOptional({ minimum: 1, maximum: 10000, description: 'At most this many items' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10000)
  limit?: number;

  @ApiPropertyOptional({
    minimum: 1,
    maximum: 100,
    default: 5,
    description: "At most this many of the job's tasks are queued or running at once",
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100)
  max_concurrent?: number;

  @ApiPropertyOptional({
    minimum: 1,
    maximum: 1000,
    default: 50,
    description: "At most this many of the job's items are queued in one go (one transaction)",
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1000)
  batch_size?: number;

  @ApiPropertyOptional({
    default: true,
    description: 'Leave out leads that already have a deliverable stored address',
  })
  @IsOptional()
  @IsBoolean()
  skip_existing?: boolean;

  @ApiPropertyOptional({ description: 'Counts and cost estimate only; nothing stored or bought' })
  @IsOptional()
  @IsBoolean()
  dry_run?: boolean;

  @ApiPropertyOptional({
    enum: ['fail', 'skip'],
    default: 'fail',
    description: "Leads another active job holds: 409 naming it ('fail'), or left out ('skip')",
  })
  @IsOptional()
  @IsIn(['fail', 'skip'])
  on_conflict?: 'fail' | 'skip';

  @ApiPropertyOptional({ minimum: 1, maximum: 100 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100)
  max_emails?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 100 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100)
  min_score?: number;
}

/** `GET /api/v1/emails/jobs`: cursor paging as the stored addresses' list, and a state. */
export class ListEmailJobsQueryDto extends PickType(ListEmailsQueryDto, ['cursor', 'limit']) {
  @ApiPropertyOptional({ enum: JOB_STATES })
  @IsOptional()
  @IsIn(JOB_STATES)
  state?: JobState;
}

export class EmailJobProgressDto {
  @ApiProperty() processed!: number;
  @ApiProperty() total!: number;
  @ApiProperty() percent!: number;
}

export class EmailJobDto {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: ['all', 'leads', 'domains', 'rows'] }) kind!: string;
  @ApiProperty({ enum: JOB_STATES }) state!: JobState;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      'max_concurrent, batch_size, skip_existing, on_conflict, limit, max_emails, min_score',
  })
  options!: Record<string, unknown>;
  @ApiProperty({ type: EmailJobProgressDto }) progress!: EmailJobProgressDto;
  @ApiProperty({ description: 'Items left out (claimed by another job, or already found)' })
  skipped!: number;
  @ApiProperty() emails_found!: number;
  @ApiProperty({ description: 'Tasks that ended without an error' }) succeeded!: number;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'integer' },
    description: 'Failed tasks by error code',
  })
  errors!: Record<string, number>;
  @ApiProperty({
    type: 'object',
    additionalProperties: {
      type: 'object',
      properties: { calls: { type: 'integer' }, cost_usd: { type: 'number' } },
    },
    description: 'Per provider: calls and cost',
  })
  providers!: Record<string, { calls: number; cost_usd: number }>;
  @ApiProperty() cost_usd!: number;
  @ApiProperty({
    type: [String],
    description: 'The task batches of the job (GET /api/v1/tasks?batch_id=); a resume adds one',
  })
  batch_ids!: string[];
  @ApiProperty({ type: String, nullable: true }) error_message!: string | null;
  @ApiProperty() created_at!: string;
  @ApiProperty({ type: String, nullable: true }) started_at!: string | null;
  @ApiProperty({ type: String, nullable: true }) completed_at!: string | null;
}

export class EmailJobListDto {
  @ApiProperty({ type: [EmailJobDto] }) items!: EmailJobDto[];
  @ApiProperty({ type: String, nullable: true }) next_cursor!: string | null;
}

export class EmailJobDryRunDto {
  @ApiProperty({ example: true }) dry_run!: true;
  @ApiProperty() total!: number;
  @ApiProperty() skipped!: number;
  @ApiProperty({
    type: 'object',
    properties: {
      calls: { type: 'integer' },
      cost_min_usd: { type: 'number' },
      cost_max_usd: { type: 'number' },
      notes: { type: 'array', items: { type: 'string' } },
    },
    description: 'The tasks’ estimate, summed',
  })
  estimate!: unknown;
}

export class EmailStatsDto {
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'integer' },
    description: 'Jobs by state',
  })
  jobs!: Record<string, number>;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'integer' },
    description: 'Stored addresses by verification status',
  })
  emails!: Record<string, number>;
  @ApiProperty() domains!: number;
}
