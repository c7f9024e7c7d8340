import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { JSON_VALUE_SCHEMA } from '../../../common/http/api-docs.decorators';

const nullableString = (description: string, example?: string) => ({
  type: String,
  nullable: true,
  description,
  ...(example !== undefined ? { example } : {}),
});

/** An item of `processed_data.recent_events`. */
export class RecentEventDto {
  @ApiProperty({ example: 'Brightforge raises a $20M Series B' }) title!: string;
  @ApiProperty(nullableString('What happened')) description!: string | null;
  @ApiProperty(nullableString('When (as the source wrote it)', '2026-03-02')) date!: string | null;
  @ApiProperty(nullableString('Where it was read (URL)')) source!: string | null;
}

/**
 * The seed's AccountEnhancement `processed_data` (SEED-CONTRACTS A5): always these keys, absent
 * values null, empty lists or `{}` (see extraction/processed-data.mapper.ts).
 */
export class AccountProcessedDataDto {
  @ApiProperty(nullableString('Company name', 'Brightforge')) company_name!: string | null;
  @ApiProperty({ type: 'integer', nullable: true, example: 120 }) employee_count!: number | null;
  @ApiProperty(nullableString('Industry (or up to 3 keywords)', 'Industrial robotics'))
  industry!: string | null;
  @ApiProperty(nullableString('Headquarters: "City, State, Country" or a one-line address'))
  location!: string | null;
  @ApiProperty(nullableString('Website', 'https://brightforge.io')) website!: string | null;
  @ApiProperty(nullableString('LinkedIn company page')) linkedin_url!: string | null;
  @ApiProperty({ type: [String], example: ['Nginx', 'jQuery'] }) technologies!: string[];
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: "The seed's PrivateFundingDetails (total_funding, funding_rounds), or {}",
  })
  funding_details!: Record<string, unknown>;
  @ApiProperty(nullableString('Company type (private, public, …)')) company_type!: string | null;
  @ApiProperty({ type: 'integer', nullable: true, example: 2016 }) founded_year!: number | null;
  @ApiProperty({ type: [String], example: ['Globex', 'Initech'] }) customers!: string[];
  @ApiProperty({ type: [String] }) competitors!: string[];
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'Technology profile by category (tech.stack vendors), or {}',
  })
  tech_profile!: Record<string, unknown>;
  @ApiProperty({ type: [RecentEventDto] }) recent_events!: RecentEventDto[];
  @ApiProperty(nullableString('LLM summary (null without an LLM provider)'))
  analysis_summary!: string | null;
}

export class AccountDto {
  @ApiProperty({ description: 'Our id of the account' }) id!: string;
  @ApiProperty({ description: 'Registrable domain the account is keyed by', example: 'acme.com' })
  domain!: string;
  @ApiPropertyOptional({
    nullable: true,
    type: String,
    description: 'Your id of the account (the one you asked by, else your first)',
  })
  account_id!: string | null;
  @ApiProperty({
    type: [String],
    description: 'Every id you (your tenant) enriched this account under',
  })
  account_ids!: string[];
  @ApiPropertyOptional({ nullable: true, type: String }) name!: string | null;
  @ApiProperty() website!: string;
  @ApiProperty({ description: 'Latest snapshot version' }) version!: number;
  @ApiProperty({
    description: "AccountEnhancement processed_data (the seed's keys)",
    type: () => AccountProcessedDataDto,
  })
  processed_data!: Record<string, unknown>;
  @ApiProperty({
    description:
      'Merged profile: per field the chosen value with provenance and every candidate; conflicts',
    type: 'object',
    additionalProperties: true,
  })
  profile!: Record<string, unknown>;
  @ApiProperty({
    description: 'Per field, the sources of its values',
    type: 'object',
    additionalProperties: true,
  })
  field_sources!: Record<string, string[]>;
  @ApiPropertyOptional({ nullable: true, type: String }) last_task_id!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) enhanced_at!: string | null;
  @ApiProperty() created_at!: string;
  @ApiProperty() updated_at!: string;
}

export class FieldChangeDto {
  @ApiProperty({ example: 'employee_count' }) field!: string;
  @ApiPropertyOptional({
    ...JSON_VALUE_SCHEMA,
    description: 'Value in the previous version (null for none)',
  })
  before!: unknown;
  @ApiPropertyOptional({ ...JSON_VALUE_SCHEMA, description: 'Value in this version' })
  after!: unknown;
}

export class AccountSnapshotDto {
  @ApiProperty() version!: number;
  @ApiPropertyOptional({ nullable: true, type: String }) task_id!: string | null;
  @ApiProperty({ type: [FieldChangeDto] }) changed_fields!: FieldChangeDto[];
  @ApiProperty({ type: () => AccountProcessedDataDto }) processed_data!: Record<string, unknown>;
  @ApiProperty({ type: 'object', additionalProperties: true }) profile!: Record<string, unknown>;
  @ApiProperty() created_at!: string;
}

export class AccountHistoryDto {
  @ApiProperty({ description: 'Our id of the account' }) id!: string;
  @ApiPropertyOptional({ nullable: true, type: String, description: "Caller's id" })
  account_id!: string | null;
  @ApiProperty() domain!: string;
  @ApiProperty({ type: [AccountSnapshotDto], description: 'Newest first' })
  snapshots!: AccountSnapshotDto[];
}

export class AccountListDto {
  @ApiProperty({ type: [AccountDto] }) items!: AccountDto[];
}
