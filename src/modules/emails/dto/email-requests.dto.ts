import { ApiProperty, ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsEmail,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
} from 'class-validator';
import { TypedTaskOptionsDto } from '../../tasks/dto/typed-task-options.dto';
import { EmailFindingInput } from './email-finding.input';
import { EmailVerificationInput } from './email-verification.input';

/** `POST /api/v1/emails/find`: the task's input plus the typed task options. */
export class FindEmailsDto extends IntersectionType(EmailFindingInput, TypedTaskOptionsDto) {}

/** `POST /api/v1/emails/verify`: the task's input plus the typed task options. */
export class VerifyEmailsDto extends IntersectionType(
  EmailVerificationInput,
  TypedTaskOptionsDto,
) {}

export const EMAIL_STATUSES = ['deliverable', 'risky', 'undeliverable', 'unknown'] as const;
export const FEEDBACK_OUTCOMES = ['bounced', 'delivered'] as const;

export class ListEmailsQueryDto {
  @ApiPropertyOptional({ example: 'acme.com' })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  domain?: string;

  @ApiPropertyOptional({ description: 'A stored lead id' })
  @IsOptional()
  @IsUUID('all', { message: 'lead_id must be a UUID' })
  lead_id?: string;

  @ApiPropertyOptional({ enum: EMAIL_STATUSES })
  @IsOptional()
  @IsIn(EMAIL_STATUSES)
  status?: (typeof EMAIL_STATUSES)[number];

  @ApiPropertyOptional({ description: 'next_cursor of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;
}

export class EmailFeedbackDto {
  @ApiProperty({ example: 'olivia.martin@acme.com' })
  @IsString()
  @MaxLength(320)
  @IsEmail({}, { message: 'email must be an email address' })
  email!: string;

  @ApiProperty({ enum: FEEDBACK_OUTCOMES })
  @IsIn(FEEDBACK_OUTCOMES)
  outcome!: (typeof FEEDBACK_OUTCOMES)[number];
}
