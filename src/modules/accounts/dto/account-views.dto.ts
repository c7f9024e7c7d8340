import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

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
    description: 'AccountEnhancement processed_data (seed keys)',
    type: 'object',
    additionalProperties: true,
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
  @ApiProperty() field!: string;
  @ApiPropertyOptional({ description: 'Value in the previous version (null for none)' })
  before!: unknown;
  @ApiPropertyOptional({ description: 'Value in this version' }) after!: unknown;
}

export class AccountSnapshotDto {
  @ApiProperty() version!: number;
  @ApiPropertyOptional({ nullable: true, type: String }) task_id!: string | null;
  @ApiProperty({ type: [FieldChangeDto] }) changed_fields!: FieldChangeDto[];
  @ApiProperty({ type: 'object', additionalProperties: true }) processed_data!: Record<
    string,
    unknown
  >;
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
