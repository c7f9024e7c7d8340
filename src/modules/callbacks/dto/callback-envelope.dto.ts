import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CALLBACK_EVENTS } from '../callback-delivery.entity';

export class CallbackErrorDetailsDto {
  @ApiProperty({ example: 'TEMPORARY', description: 'Error code (CANCELLED for a cancelled task)' })
  error_type: string;
  @ApiProperty({ example: 'vendor answered 503' }) message: string;
  @ApiProperty({
    nullable: true,
    type: String,
    example: 'extract',
    description: 'Stage it failed in',
  })
  stage: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    example: 'extract',
    description: 'The stage again, under the seed status table’s name',
  })
  step: string | null;
  @ApiProperty({
    example: true,
    description: 'Whether a retry (POST /tasks/{job_id}/retry) may fix it',
  })
  retryable: boolean;
  @ApiProperty({ example: '2026-11-23T10:00:00.000Z' }) timestamp: string;
}

export class CallbackPaginationDto {
  @ApiProperty({ example: 1, description: '1-based' }) page: number;
  @ApiProperty({ example: 3 }) total_pages: number;
  @ApiProperty({ example: 20, description: 'CALLBACK_PAGE_SIZE' }) leads_per_page: number;
  @ApiProperty({ example: 45, description: 'Size of the combined id list of every paged list' })
  total_leads: number;
  @ApiProperty({
    description:
      "For each paged list (qualified_leads, structured_leads, all_leads by default), this page's items",
    type: 'object',
    additionalProperties: { type: 'array', items: { type: 'object', additionalProperties: true } },
  })
  current_chunk: Record<string, unknown[]>;
}

/**
 * The body of every callback POST: the seed's envelope (existing receivers keep working) plus
 * `event`, `task_name`, `assay_task_id`, `assay_status` and `timestamp`. Signed per Standard
 * Webhooks (webhook-id, webhook-timestamp, webhook-signature headers).
 */
export class CallbackEnvelopeDto {
  @ApiProperty({ enum: CALLBACK_EVENTS, example: 'task.succeeded' }) event: string;
  @ApiProperty({ example: 'diagnostic' }) task_name: string;
  @ApiProperty({
    description: "The client's own job id when the payload gave one (`job_id`), else the task id",
  })
  job_id: string;
  @ApiProperty({ format: 'uuid', description: 'The task id' }) assay_task_id: string;
  @ApiProperty({
    nullable: true,
    type: String,
    example: 'acc-42',
    description: "The task's account; per-entity tasks (bulk accounts): that entity's, never null",
  })
  account_id: string | null;
  @ApiProperty({ nullable: true, type: String, example: null }) lead_id: string | null;
  @ApiProperty({
    enum: ['processing', 'completed', 'failed', 'cancelled'],
    description: "The seed's words: succeeded → completed; progress → processing",
  })
  status: 'processing' | 'completed' | 'failed' | 'cancelled';
  @ApiProperty({
    enum: ['running', 'succeeded', 'failed', 'cancelled'],
    description: 'The native status (of the entity, on per-entity callbacks)',
  })
  assay_status: string;
  @ApiProperty({
    example: 'company_info',
    description: "The task type's declared enrichment type, else its name",
  })
  enrichment_type: string;
  @ApiProperty({
    example: 'jina_ai',
    description:
      "The seed's source of the task type (jina_ai, apollo, linkedin, custom_column), else assay",
  })
  source: string;
  @ApiProperty({
    description:
      "A progress callback carrying early partial results (the seed's LinkedIn one), or a failed task that kept a partial result",
  })
  is_partial: boolean;
  @ApiProperty({ minimum: 0, maximum: 100, example: 100 }) completion_percentage: number;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description: "Echo of the input's orchestration_data (absent on pages, as in the seed)",
  })
  orchestration_data?: unknown;
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    example: null,
    description:
      'What each source returned (completed account callbacks; CALLBACK_RAW_DATA). Null on pages, absent otherwise when null',
  })
  raw_data?: Record<string, unknown> | null;
  @ApiPropertyOptional({
    description:
      'The task result (a failed task: its partial result). Absent when null, except on pages.',
    type: 'object',
    additionalProperties: true,
  })
  processed_data?: Record<string, unknown> | null;
  @ApiPropertyOptional({ type: CallbackErrorDetailsDto, nullable: true })
  error_details?: CallbackErrorDetailsDto | null;
  @ApiProperty({ example: 1 }) attempt_number: number;
  @ApiProperty({ example: 3 }) max_retries: number;
  @ApiPropertyOptional({ type: CallbackPaginationDto, description: 'Only on paged deliveries' })
  pagination?: CallbackPaginationDto;
  @ApiPropertyOptional({ example: 'extract', description: 'task.progress only: the new stage' })
  stage?: string;
  @ApiProperty({
    example: '2026-11-23T10:00:00.000Z',
    description: 'When the task ended (or entered the stage)',
  })
  timestamp: string;
}
