import { ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsNumber, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { TypedTaskOptionsDto } from '../../tasks/dto/typed-task-options.dto';
import { LeadGenerationInput } from './lead-generation.input';

/** `POST /api/v1/leads/generate`: the seed payload's fields plus the typed task options. */
export class GenerateLeadsDto extends IntersectionType(LeadGenerationInput, TypedTaskOptionsDto) {}

export const PERSONAS = ['buyer', 'influencer', 'end_user'] as const;

export class ListLeadsQueryDto {
  @ApiPropertyOptional({ description: "Caller's account id", example: 'acct_42' })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  account_id?: string;

  @ApiPropertyOptional({
    description: 'Only leads whose latest fit score is at least this',
    minimum: 0,
    maximum: 100,
  })
  @IsOptional()
  @Type(() => Number)
  @IsNumber(
    { allowNaN: false, allowInfinity: false },
    { message: 'min_score must be a number from 0 to 100' },
  )
  @Min(0)
  @Max(100)
  min_score?: number;

  @ApiPropertyOptional({
    enum: PERSONAS,
    description: 'Only leads whose latest persona match is this',
  })
  @IsOptional()
  @IsIn(PERSONAS)
  persona?: (typeof PERSONAS)[number];

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
