import { QueryBool } from '../../../common/http/query-bool';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import {
  CALLBACK_EVENTS,
  CallbackEvent,
  DELIVERY_STATUSES,
  DeliveryStatus,
} from '../callback-delivery.entity';

export class ListCallbacksQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Deliveries of this task' })
  @IsOptional()
  @IsUUID('all', { message: 'task_id must be a task id (UUID)' })
  task_id?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Same as task_id (the seed calls it job_id)',
  })
  @IsOptional()
  @IsUUID('all', { message: 'job_id must be a task id (UUID)' })
  job_id?: string;

  @ApiPropertyOptional({ description: 'Comma-separated statuses', example: 'dead,failed' })
  @IsOptional()
  @Transform(({ value }) =>
    typeof value === 'string' ? value.split(',').map((s) => s.trim()) : value,
  )
  @ArrayMaxSize(20, { message: 'status lists at most 20 statuses' })
  @IsIn(DELIVERY_STATUSES as unknown as string[], {
    each: true,
    message: `status must be among ${DELIVERY_STATUSES.join(', ')}`,
  })
  status?: DeliveryStatus[];

  @ApiPropertyOptional({ enum: CALLBACK_EVENTS })
  @IsOptional()
  @IsIn(CALLBACK_EVENTS as unknown as string[])
  event?: CallbackEvent;

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
  @MaxLength(200, { message: 'cursor is not valid' })
  cursor?: string;
}

export class RedeliverQueryDto {
  @ApiPropertyOptional({
    description: 'Re-enable a URL disabled by a 410 Gone and send anyway',
    default: false,
  })
  @IsOptional()
  @QueryBool()
  @IsBoolean()
  force?: boolean;
}

export class CallbackDeliveryDto {
  @ApiProperty({
    example: 'msg_0b8c0b7e-3f7d-4f57-9d6f-2f1a3c1b9e11',
    description: 'The webhook-id',
  })
  id: string;
  @ApiProperty({ format: 'uuid' }) job_id: string;
  @ApiProperty({ enum: CALLBACK_EVENTS }) event: CallbackEvent;
  @ApiProperty({ example: 'https://crm.example.com/api/v2/internal/enrichment-callback/' })
  url: string;
  @ApiProperty({
    enum: DELIVERY_STATUSES,
    description:
      'pending: not tried yet; failed: last attempt failed, another is scheduled; delivered: 2xx; dead: no attempt left (or blocked); disabled: the URL answered 410',
  })
  status: DeliveryStatus;
  @ApiProperty({ nullable: true, type: Number, example: null }) page: number | null;
  @ApiProperty({ nullable: true, type: Number, example: null }) total_pages: number | null;
  @ApiProperty({ example: 1, description: 'Attempts made, redeliveries included' })
  attempts: number;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'When the next attempt is due (pending and failed only)',
  })
  next_attempt_at: string | null;
  @ApiProperty({ nullable: true, type: String }) last_attempt_at: string | null;
  @ApiProperty({ nullable: true, type: Number, example: 200 }) last_status_code: number | null;
  @ApiProperty({ nullable: true, type: String, example: null }) last_error: string | null;
  @ApiProperty({ nullable: true, type: String }) delivered_at: string | null;
  @ApiProperty() created_at: string;
  @ApiProperty() updated_at: string;
}

export class CallbackDeliveryDetailDto extends CallbackDeliveryDto {
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'The exact body sent (see CallbackEnvelopeDto)',
  })
  payload: Record<string, unknown>;
}

export class CallbackPageDto {
  @ApiProperty({ type: [CallbackDeliveryDto] }) items: CallbackDeliveryDto[];
  @ApiProperty({ nullable: true, type: String }) next_cursor: string | null;
}
