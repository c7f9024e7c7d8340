import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsDateString,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { IsBoundedJson } from '../../../common/http/validation';

/** Longest capture of one tab accepted (a long activity page is a few MB of markup). */
export const MAX_CAPTURE_CHARS = 8_000_000;

/** A required key: present and a non-empty string (the seed's 500 / 404 become a 400 naming it). */
const Required = (max: number) =>
  applyDecorators(
    IsString({ message: ({ property }) => `${property} is required (a string)` }),
    MaxLength(max),
  );

/** A capture: the key is required, its value the tab's HTML, or null when the tab was absent. */
const Capture = () =>
  applyDecorators(
    ApiProperty({
      type: String,
      nullable: true,
      maxLength: MAX_CAPTURE_CHARS,
      description:
        "outerHTML of the tab's feed list as the browser extension captured it (SEED-CONTRACTS A8); null when the tab was not there",
    }),
    ValidateIf((o, v) => v !== null),
    IsString({
      message: ({ property }) =>
        `${property} is required: the captured HTML, or null when the tab was not captured`,
    }),
    MaxLength(MAX_CAPTURE_CHARS),
  );

/** What the client knows of the lead, its account and the product (Django's input_data). */
export class ResearchInputDataDto {
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'The lead: name, headline, about, current_employment, …',
  })
  @IsOptional()
  @IsObject()
  @IsBoundedJson()
  lead_data?: Record<string, unknown>;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'The account: name, industry, technologies, competitors, …',
  })
  @IsOptional()
  @IsObject()
  @IsBoundedJson()
  account_data?: Record<string, unknown>;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'The product: name, description, persona_role_titles, playbook_description',
  })
  @IsOptional()
  @IsObject()
  @IsBoundedJson()
  product_data?: Record<string, unknown>;
}

/**
 * `lead_linkedin_research` (SEED-CONTRACTS A2.3): a lead's captured LinkedIn activity → each
 * activity analysed, and a research report with outreach drafts.
 */
export class LinkedInResearchInput {
  @ApiProperty({ example: 'lead_42' })
  @Required(255)
  lead_id!: string;

  @ApiProperty({ example: 'acct_7' })
  @Required(255)
  account_id!: string;

  @ApiProperty({ example: 'Globex' })
  @Required(300)
  company_name!: string;

  @ApiProperty({ example: 'Dana Reyes' })
  @Required(300)
  person_name!: string;

  @ApiProperty({ example: 'https://www.linkedin.com/in/dana-reyes' })
  @Required(2048)
  person_linkedin_url!: string;

  @Capture()
  posts_html!: string | null;

  @Capture()
  comments_html!: string | null;

  @Capture()
  reactions_html!: string | null;

  @ApiPropertyOptional({ example: 'VP Operations' })
  @IsOptional()
  @IsString()
  @MaxLength(300)
  person_role_title?: string;

  @ApiPropertyOptional({ description: 'What the company does (context for the analysis)' })
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  company_description?: string;

  @ApiPropertyOptional({ type: ResearchInputDataDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ResearchInputDataDto)
  input_data?: ResearchInputDataDto;

  @ApiPropertyOptional({
    description:
      'When the page was captured (ISO 8601): relative dates ("3d") count back from it. Default: when the task was created',
  })
  @IsOptional()
  @IsDateString({}, { message: 'captured_at must be an ISO 8601 date-time' })
  captured_at?: string;

  @ApiPropertyOptional({ minimum: 0, maximum: 10, default: 3, description: 'Email drafts wanted' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(10)
  email_drafts?: number;

  @ApiPropertyOptional({ description: "The seed's research_request_type (kept; linkedin_only)" })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  research_request_type?: string;

  @ApiPropertyOptional({
    description:
      "The client's own job id (Django: linkedin_research_<lead_id>): echoed in callbacks",
  })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  job_id?: string;
}
