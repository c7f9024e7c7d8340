import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { SEED_STATUSES, SeedStatus } from '../seed-status';
import { TASK_STATUSES, TaskStatus } from '../task.entity';

export class TaskProgressDto {
  @ApiProperty({ example: 40 }) percent: number;
  @ApiPropertyOptional({ example: 'reading website' }) message?: string;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'number' },
    example: { done: 2, total: 5 },
  })
  counters?: Record<string, number>;
}

export class TaskErrorDto {
  @ApiProperty({ example: 'TEMPORARY' }) code: string;
  @ApiProperty({ example: 'vendor answered 503' }) message: string;
  @ApiProperty({ example: true }) retryable: boolean;
  @ApiPropertyOptional({ type: String, nullable: true, example: 'vendors' }) stage?: string | null;
  @ApiPropertyOptional({ example: '2026-11-23T10:00:00.000Z' }) at?: string;
}

/** Seed-shaped error details (error_type / stage / retryable) for existing clients. */
export class SeedErrorDetailsDto {
  @ApiProperty({ example: 'TEMPORARY' }) error_type: string;
  @ApiProperty({ example: 'vendor answered 503' }) message: string;
  @ApiPropertyOptional({ type: String, nullable: true, example: 'vendors' }) stage: string | null;
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: 'vendors',
    description: 'The stage again, under the name the seed status table used',
  })
  step: string | null;
  @ApiProperty({ example: true }) retryable: boolean;
  @ApiProperty({ example: false }) partial_success: boolean;
  @ApiPropertyOptional({ example: '2026-11-23T10:00:00.000Z' }) timestamp?: string;
}

/** Answer of the native create routes (typed routes, batch). */
export class TaskCreatedDto {
  @ApiProperty({ format: 'uuid', example: '0b9f6c1e-7d1a-4c53-9a57-5b6b9a3f6d21' }) job_id: string;
  @ApiProperty({ example: 'diagnostic' }) task_name: string;
  @ApiProperty({ enum: TASK_STATUSES, example: 'queued' }) status: TaskStatus;
  @ApiProperty({ example: '/api/v1/tasks/0b9f6c1e-7d1a-4c53-9a57-5b6b9a3f6d21/status' })
  status_url: string;
  @ApiProperty({ example: '2026-11-23T10:00:00.000Z' }) created_at: string;
  @ApiProperty({ example: 1 }) attempt_number: number;
  @ApiProperty({ example: 3 }) max_retries: number;
  @ApiPropertyOptional({ description: "The client's own job id, when the payload gave one" })
  client_job_id?: string;
  @ApiPropertyOptional({
    description:
      'True when a stored successful result of the same scope was returned without running.',
    example: false,
  })
  reused?: boolean;
  @ApiPropertyOptional({ format: 'uuid', description: 'The task whose stored result was reused.' })
  reused_from?: string;
}

/** Answer of the seed create route (SEED-CONTRACTS A1) and of retry. */
export class SeedTaskCreatedDto {
  @ApiProperty({ enum: ['scheduled'], example: 'scheduled' }) status: 'scheduled';
  @ApiProperty({ example: 'account_enhancement' }) task_name: string;
  @ApiProperty({
    description: 'The job id (the seed returned its Cloud Tasks name here)',
    example: '0b9f6c1e-7d1a-4c53-9a57-5b6b9a3f6d21',
  })
  task_id: string;
  @ApiProperty({ example: 1 }) attempt_number: number;
  @ApiProperty({ example: 3 }) max_retries: number;
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    description: "The job retried (retry), or the payload's original_job_id",
  })
  original_job_id: string | null;
  @ApiProperty({
    description: "The client's own job_id when the payload gave one, else Assay's",
    example: '0b9f6c1e-7d1a-4c53-9a57-5b6b9a3f6d21',
  })
  job_id: string;
  @ApiProperty({ example: '/api/v1/tasks/0b9f6c1e-7d1a-4c53-9a57-5b6b9a3f6d21/status' })
  status_url: string;
  @ApiProperty({ enum: TASK_STATUSES, example: 'queued', description: 'Native status' })
  assay_status: TaskStatus;
  @ApiProperty({ format: 'uuid', description: "Assay's own task id (native routes)" })
  assay_task_id: string;
  @ApiProperty({ example: '2026-11-23T10:00:00.000Z' }) created_at: string;
  @ApiPropertyOptional({ description: 'A stored result of the same scope was reused' })
  reused?: boolean;
  @ApiPropertyOptional({ format: 'uuid' }) reused_from?: string;
}

/** Fields the seed status view and the native view share. */
export class TaskCommonDto {
  @ApiProperty({ example: 'diagnostic' }) task_name: string;
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    description: 'account_id, else lead_id',
    example: 'acc_123',
  })
  entity_id: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) account_id: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) lead_id: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, example: 'extracting' }) stage:
    string | null;
  @ApiProperty({ type: TaskProgressDto }) progress: TaskProgressDto;
  @ApiProperty({ example: 40 }) completion_percentage: number;
  @ApiProperty({ description: 'Attempts started so far', example: 1 }) attempt_number: number;
  @ApiProperty({ description: 'Attempts allowed in total', example: 3 }) max_retries: number;
  @ApiProperty({ description: 'Failed with an error that a retry may fix', example: false })
  retryable: boolean;
  @ApiProperty({ description: 'Failed but stored a partial result', example: false })
  is_partial: boolean;
  @ApiPropertyOptional({ type: SeedErrorDetailsDto, nullable: true })
  error_details: SeedErrorDetailsDto | null;
  @ApiPropertyOptional({ type: TaskErrorDto, nullable: true }) error: TaskErrorDto | null;
  @ApiProperty({ example: 0.0123 }) cost_usd: number;
  @ApiProperty() created_at: string;
  @ApiProperty() updated_at: string;
  @ApiPropertyOptional({ type: String, nullable: true }) started_at: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) finished_at: string | null;
}

/** The seed status route: seed status words, the client's job id. */
export class TaskStatusDto extends TaskCommonDto {
  @ApiProperty({ description: "The client's own job id when it gave one, else Assay's" })
  job_id: string;
  @ApiProperty({ format: 'uuid', description: "Assay's own task id" }) assay_task_id: string;
  @ApiProperty({ enum: SEED_STATUSES, example: 'processing' }) status: SeedStatus;
  @ApiProperty({ enum: TASK_STATUSES, example: 'running', description: 'Native status' })
  assay_status: TaskStatus;
  @ApiProperty({ example: '/api/v1/tasks/0b9f6c1e-7d1a-4c53-9a57-5b6b9a3f6d21/status' })
  status_url: string;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description:
      "The job's own summary, for task types that have one (account_enhancement: the seed's summary with per-account results)",
  })
  summary?: unknown;
}

/**
 * The seed create route's answer with `?wait=` when the task ended in time: the status view (seed
 * status words) with the task's result.
 */
export class SeedTaskFinishedDto extends TaskStatusDto {
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description: 'The result (when succeeded) or partial result (failed); null when there is none',
  })
  result: unknown;
}

/** The native view of a task. */
export class TaskDetailDto extends TaskCommonDto {
  @ApiProperty({ format: 'uuid' }) job_id: string;
  @ApiPropertyOptional({ type: String, nullable: true, description: "The client's own job id" })
  client_job_id: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) tenant_id: string | null;
  @ApiProperty({ enum: TASK_STATUSES }) status: TaskStatus;
  @ApiProperty({ example: '/api/v1/tasks/0b9f6c1e-7d1a-4c53-9a57-5b6b9a3f6d21/status' })
  status_url: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'The payload as created',
  })
  input: Record<string, unknown>;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description:
      "The result (when succeeded) or partial result, an object whose keys depend on the task type (diagnostic: ok, attempt, slept_ms, stages, resumed_stages; account_enhancement: the seed's summary with the processed_data keys)",
  })
  result: unknown;
  @ApiProperty({
    type: [String],
    description: 'Stages completed (kept across retries)',
    example: ['read'],
  })
  completed_stages: string[];
  @ApiProperty({ example: 0 }) priority: number;
  @ApiProperty({ example: 900000 }) timeout_ms: number;
  @ApiPropertyOptional({ type: String, nullable: true }) idempotency_key: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) callback_url: string | null;
  @ApiProperty({ example: '4bf92f3577b34da6a3ce929d0e0e4736' }) trace_id: string;
  @ApiPropertyOptional({ type: String, nullable: true, format: 'uuid' }) reused_from: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, format: 'uuid' }) batch_id: string | null;
  @ApiProperty({
    description: 'A cancel was requested and the task has not ended yet',
    example: false,
  })
  cancel_requested: boolean;
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    description: 'When the next attempt is due',
  })
  next_attempt_at: string | null;
}

export class TaskPageDto {
  @ApiProperty({ type: [TaskDetailDto] }) items: TaskDetailDto[];
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    description: 'Pass as `cursor` for the next page',
  })
  next_cursor: string | null;
}

export class FailedTaskDto {
  @ApiProperty({ description: "The client's own job id when it gave one, else Assay's" })
  job_id: string;
  @ApiProperty({ format: 'uuid' }) assay_task_id: string;
  @ApiProperty() task_name: string;
  @ApiPropertyOptional({ type: String, nullable: true }) entity_id: string | null;
  @ApiProperty({ enum: ['failed'] }) status: 'failed';
  @ApiProperty({ enum: TASK_STATUSES }) assay_status: TaskStatus;
  @ApiProperty() attempt_number: number;
  @ApiProperty() max_retries: number;
  @ApiProperty() is_partial: boolean;
  @ApiProperty() completion_percentage: number;
  @ApiProperty() retryable: boolean;
  @ApiPropertyOptional({ type: SeedErrorDetailsDto, nullable: true })
  error_details: SeedErrorDetailsDto | null;
  @ApiProperty() created_at: string;
  @ApiProperty() updated_at: string;
}

export class BatchCreatedDto {
  @ApiProperty({ format: 'uuid' }) batch_id: string;
  @ApiProperty({ example: 'diagnostic' }) task_name: string;
  @ApiProperty({ example: 2 }) count: number;
  @ApiProperty({ type: [String], example: ['0b9f6c1e-7d1a-4c53-9a57-5b6b9a3f6d21'] })
  job_ids: string[];
  @ApiProperty({ example: 'queued' }) status: string;
}

/** A cancel's answer: the task (cancel_requested: true while a running task has not stopped yet). */
export class CancelResultDto extends TaskDetailDto {}

export class TaskEstimateDto {
  @ApiProperty({ example: 3, description: 'Outside calls the task would make (worst case)' })
  calls: number;
  @ApiProperty({ example: 0, description: 'Lowest cost (e.g. everything cached)' })
  cost_min_usd: number;
  @ApiProperty({ example: 0.031, description: 'Highest cost' }) cost_max_usd: number;
  @ApiPropertyOptional({ type: [String] }) notes?: string[];
}

export class DryRunDto {
  @ApiProperty({ example: true }) dry_run: true;
  @ApiProperty({ example: 'diagnostic' }) task_name: string;
  @ApiProperty({ type: TaskEstimateDto }) estimate: TaskEstimateDto;
}
