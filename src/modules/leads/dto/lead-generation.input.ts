import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsDefined,
  IsInt,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { IsAccountWebsite } from '../../accounts/dto/account-enhancement.input';

/** Persona titles of one kind: at most 50 titles of at most 200 characters. */
const Titles = () =>
  applyDecorators(
    IsOptional(),
    IsArray(),
    ArrayMaxSize(50),
    IsString({ each: true }),
    MaxLength(200, { each: true }),
  );

export class PersonaRoleTitlesDto {
  @ApiPropertyOptional({ type: [String], example: ['VP of Sales', 'Chief Revenue Officer'] })
  @Titles()
  buyers?: string[];

  @ApiPropertyOptional({ type: [String], example: ['Sales Operations Manager'] })
  @Titles()
  influencers?: string[];

  @ApiPropertyOptional({ type: [String], example: ['Account Executive'] })
  @Titles()
  end_users?: string[];
}

export class LeadAccountDataDto {
  @ApiProperty({ example: 'Globex' })
  @IsString()
  @MaxLength(300)
  name!: string;

  @ApiProperty({ description: "The company's website or domain", example: 'globex.com' })
  @IsAccountWebsite()
  website!: string;

  @ApiPropertyOptional({ example: 'https://www.linkedin.com/company/globex' })
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  linkedin_url?: string;
}

export class LeadProductDataDto {
  @ApiPropertyOptional({ example: 'Pipeline Copilot' })
  @IsOptional()
  @IsString()
  @MaxLength(300)
  name?: string;

  @ApiPropertyOptional({ example: 'AI that drafts follow-ups for sales teams' })
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  description?: string;

  @ApiPropertyOptional({ description: 'Ideal customer profile' })
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  icp_description?: string;

  @ApiProperty({ type: PersonaRoleTitlesDto })
  @IsDefined({ message: 'product_data.persona_role_titles is required' })
  @IsObject()
  @ValidateNested()
  @Type(() => PersonaRoleTitlesDto)
  persona_role_titles!: PersonaRoleTitlesDto;

  @ApiPropertyOptional({ description: 'The playbook: other signals that make a lead relevant' })
  @IsOptional()
  @IsString()
  @MaxLength(10000)
  additional_lead_signals?: string;
}

/** The most people one run considers (Apollo's search shows at most 50,000 per query). */
export const MAX_PEOPLE_LIMIT = 10_000;

/**
 * Input of `lead_identification_apollo` (seed 001, SEED-CONTRACTS A2.2) and of
 * `POST /api/v1/leads/generate`: the account, the product with its personas, and options.
 */
export class LeadGenerationInput {
  @ApiProperty({ description: "Caller's id of the account", example: 'acct_42' })
  @IsString()
  @MaxLength(255)
  account_id!: string;

  @ApiProperty({ type: LeadAccountDataDto })
  @IsDefined({ message: 'account_data is required' })
  @IsObject()
  @ValidateNested()
  @Type(() => LeadAccountDataDto)
  account_data!: LeadAccountDataDto;

  @ApiProperty({ type: LeadProductDataDto })
  @IsDefined({ message: 'product_data is required' })
  @IsObject()
  @ValidateNested()
  @Type(() => LeadProductDataDto)
  product_data!: LeadProductDataDto;

  @ApiPropertyOptional({
    description: 'Most people considered (default LEADS_MAX_PEOPLE, 3000)',
    minimum: 1,
    maximum: MAX_PEOPLE_LIMIT,
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_PEOPLE_LIMIT)
  max_people?: number;

  @ApiPropertyOptional({
    description:
      'A lead is qualified from this fit score on (default LEADS_QUALIFIED_MIN_SCORE, 60)',
    minimum: 0,
    maximum: 100,
  })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(100)
  qualified_min_score?: number;
}
