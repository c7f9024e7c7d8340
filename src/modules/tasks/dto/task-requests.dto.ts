import { QueryBool } from '../../../common/http/query-bool';
import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsDate,
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
  IsUUID,
  Max,
  MaxDate,
  MaxLength,
  Min,
  MinDate,
  ValidateBy,
} from 'class-validator';
import { TASK_STATUSES, TaskStatus } from '../task.entity';
import { decodeCursor } from '../task.mapper';

/**
 * Fields every task payload may carry besides its type's own (the engine reads them; see
 * TaskPayloads in submission/task-payloads.ts). Documented once and added to each task type's
 * body schema on the create routes.
 */
export class TaskControlFieldsDto {
  @ApiPropertyOptional({
    description: 'Where to POST the callbacks of this task (default: CALLBACK_URL, if set)',
    maxLength: 2048,
    example: 'https://crm.example.com/api/v2/internal/enrichment-callback/',
  })
  callback_url?: string;

  @ApiPropertyOptional({
    description:
      "Also send a callback at each new stage (task types with the seed's progress stages send them by default)",
  })
  callback_progress?: boolean;

  @ApiPropertyOptional({
    description: 'raw_data in completed callbacks (default: CALLBACK_RAW_DATA)',
  })
  callback_raw_data?: boolean;

  @ApiPropertyOptional({
    description: 'Spending cap in USD for paid providers (0–1000000)',
    minimum: 0,
    maximum: 1_000_000,
    example: 0.5,
  })
  budget_usd?: number;

  @ApiPropertyOptional({
    description:
      'Run even if a stored successful result of the same scope exists (same as `?refresh=true`)',
  })
  refresh?: boolean;

  @ApiPropertyOptional({
    description: 'Only estimate calls and cost; nothing is stored or run (same as `?dry_run=true`)',
  })
  dry_run?: boolean;

  @ApiPropertyOptional({
    description:
      "The client's own job id (1–255 characters): echoed in callbacks, accepted by the status routes",
    maxLength: 255,
  })
  job_id?: string;

  @ApiPropertyOptional({
    description: "The job this one re-runs (echoed as the create answer's original_job_id)",
  })
  original_job_id?: string;

  @ApiPropertyOptional({
    description:
      "The tenant of the task (1–100 characters); only an operator's key may choose it, a tenant-bound key's tenant wins",
    maxLength: 100,
  })
  tenant_id?: string;
}

/** Task names are short identifiers; a longer one names no task. */
const TASK_NAME_MAX = 100;
/** `next_cursor` values are well under this. */
const CURSOR_MAX = 200;

const DATE_MIN = new Date('0001-01-01T00:00:00Z');
const DATE_MAX = new Date('9999-12-31T23:59:59Z');

/**
 * An optional ISO date-time of a query string, within years 1–9999: JavaScript accepts dates
 * that PostgreSQL cannot compare with (before 4713 BC), which would be a 500.
 */
const QueryDate = (name: string) =>
  applyDecorators(
    IsOptional(),
    Type(() => Date),
    IsDate({ message: `${name} must be an ISO 8601 date-time` }),
    MinDate(DATE_MIN, { message: `${name} must be in year 1 or later` }),
    MaxDate(DATE_MAX, { message: `${name} must be in year 9999 or earlier` }),
  );

/** Longest `?wait=` (seconds); MAX_WAIT_SECONDS (submission/task-wait.ts) holds the same. */
const WAIT_MAX = 60;
const WAIT_MESSAGE = `wait must be a whole number of seconds from 0 to ${WAIT_MAX}`;

/** `?wait=<seconds>` of the create routes. */
export class WaitQueryDto {
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 0,
    maximum: WAIT_MAX,
    example: 10,
    description:
      'Wait up to this many seconds for the task to end and answer with the finished task; if it has not ' +
      'ended by then, the usual answer comes with `Location` (where to read the task) and `Retry-After`. ' +
      '0 or absent: answer at once. A dry run ignores it.',
  })
  @IsOptional()
  // Digits only: "", "1.5", "abc" or a repeated parameter stay strings and fail @IsInt.
  @Transform(({ value }) =>
    typeof value === 'string' && /^\d{1,6}$/.test(value) ? Number(value) : value,
  )
  @ValidateBy({
    name: 'isWaitSeconds',
    validator: {
      validate: (v: unknown) =>
        Number.isInteger(v) && (v as number) >= 0 && (v as number) <= WAIT_MAX,
      defaultMessage: () => WAIT_MESSAGE,
    },
  })
  wait?: number;
}

export class CreateQueryDto extends WaitQueryDto {
  @ApiPropertyOptional({
    description:
      'Only estimate (calls, cost range); nothing is stored or run. Same as `"dry_run": true` in the body.',
    example: false,
  })
  @IsOptional()
  @QueryBool()
  @IsBoolean()
  dry_run?: boolean;

  @ApiPropertyOptional({
    description: 'Run even if a stored successful result of the same scope exists.',
    example: false,
  })
  @IsOptional()
  @QueryBool()
  @IsBoolean()
  refresh?: boolean;
}

export class RetryQueryDto {
  @ApiPropertyOptional({
    description: 'Retry even a failure its task marked as not retryable',
    example: false,
  })
  @IsOptional()
  @QueryBool()
  @IsBoolean()
  force?: boolean;
}

export class FailedQueryDto {
  @ApiPropertyOptional({
    description: 'ISO date-time; default now − 7 days',
    example: '2026-11-16T00:00:00Z',
  })
  @QueryDate('start_date')
  start_date?: Date;

  @ApiPropertyOptional({
    description: 'ISO date-time; default now',
    example: '2026-11-23T23:59:59Z',
  })
  @QueryDate('end_date')
  end_date?: Date;

  @ApiPropertyOptional({ description: 'Only failures a retry may fix', default: false })
  @IsOptional()
  @QueryBool()
  @IsBoolean()
  retryable_only?: boolean;

  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;

  @ApiPropertyOptional({ description: 'Only this task type', example: 'diagnostic' })
  @IsOptional()
  @IsString()
  @MaxLength(TASK_NAME_MAX)
  task_name?: string;
}

export class ListTasksQueryDto {
  @ApiPropertyOptional({ example: 'diagnostic' })
  @IsOptional()
  @IsString()
  @MaxLength(TASK_NAME_MAX)
  task_name?: string;

  @ApiPropertyOptional({ description: 'Comma-separated statuses', example: 'failed,cancelled' })
  @IsOptional()
  @Transform(({ value }) =>
    typeof value === 'string' ? value.split(',').map((s) => s.trim()) : value,
  )
  @ArrayMaxSize(20, { message: 'status lists at most 20 statuses' })
  @IsIn(TASK_STATUSES as unknown as string[], {
    each: true,
    message: `status must be among ${TASK_STATUSES.join(', ')}`,
  })
  status?: TaskStatus[];

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(255) account_id?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(255) lead_id?: string;
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all', { message: 'batch_id must be a batch id (UUID)' })
  batch_id?: string;

  @ApiPropertyOptional({ description: 'Created at or after (ISO date-time)' })
  @QueryDate('created_from')
  created_from?: Date;

  @ApiPropertyOptional({ description: 'Created at or before (ISO date-time)' })
  @QueryDate('created_to')
  created_to?: Date;

  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;

  @ApiPropertyOptional({ description: '`next_cursor` of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(CURSOR_MAX, { message: 'cursor is not valid' })
  @ValidateBy({
    name: 'isTaskCursor',
    // A hand-made cursor may carry a date PostgreSQL cannot compare with (a 500).
    validator: {
      validate: (v: unknown) => {
        const at = typeof v === 'string' ? decodeCursor(v)?.createdAt : undefined;
        return !!at && at >= DATE_MIN && at <= DATE_MAX;
      },
      defaultMessage: () => 'cursor is not valid: pass the next_cursor of the previous page',
    },
  })
  cursor?: string;
}

export class BatchCreateDto {
  @ApiProperty({ example: 'diagnostic', maxLength: TASK_NAME_MAX })
  @IsString()
  @MaxLength(TASK_NAME_MAX)
  task_name: string;

  @ApiProperty({
    type: 'array',
    items: { type: 'object', additionalProperties: true },
    minItems: 1,
    maxItems: 1000,
    example: [{ sleep_ms: 0 }, { sleep_ms: 10 }],
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @IsObject({ each: true, message: 'each payload must be a JSON object' })
  payloads: Record<string, unknown>[];

  @ApiPropertyOptional({
    description:
      'Spending cap in USD shared by every task of the batch (each payload may also carry its own budget_usd)',
    example: 5,
  })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1_000_000)
  budget_usd?: number;

  @ApiPropertyOptional({
    description: 'Only estimate the whole batch; nothing is stored',
    example: false,
  })
  @IsOptional()
  @IsBoolean()
  dry_run?: boolean;

  @ApiPropertyOptional({ description: 'Default callback URL for every task of the batch' })
  @IsOptional()
  @MaxLength(2048)
  @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true })
  callback_url?: string;
}
