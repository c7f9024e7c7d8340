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
 * `event`, `task_name` and `timestamp`. Signed per Standard Webhooks (webhook-id,
 * webhook-timestamp, webhook-signature headers).
 */
export class CallbackEnvelopeDto {
  @ApiProperty({ enum: CALLBACK_EVENTS, example: 'task.succeeded' }) event: string;
  @ApiProperty({ example: 'diagnostic' }) task_name: string;
  @ApiProperty({ format: 'uuid', description: 'The task id' }) job_id: string;
  @ApiProperty({ nullable: true, type: String, example: 'acc-42' }) account_id: string | null;
  @ApiProperty({ nullable: true, type: String, example: null }) lead_id: string | null;
  @ApiProperty({
    enum: ['processing', 'completed', 'failed'],
    description: 'succeeded → completed; failed and cancelled → failed; progress → processing',
  })
  status: 'processing' | 'completed' | 'failed';
  @ApiProperty({
    example: 'company_info',
    description: "The task type's declared enrichment type, else its name",
  })
  enrichment_type: string;
  @ApiProperty({ example: 'assay' }) source: string;
  @ApiProperty({ description: 'Progress callbacks, and failed tasks that kept a partial result' })
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
    description: 'Always null; present (as null) on pages only, as in the seed',
  })
  raw_data?: null;
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
