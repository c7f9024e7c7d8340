import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class EmailVerificationDto {
  @ApiProperty({ type: String, nullable: true, description: 'The verifier that decided' })
  provider!: string | null;
  @ApiProperty({ enum: ['deliverable', 'undeliverable', 'risky', 'unknown'] }) status!: string;
  @ApiProperty({ minimum: 0, maximum: 100 }) score!: number;
  @ApiProperty({ type: [String] }) reasons!: string[];
  @ApiProperty({ type: Boolean, nullable: true }) catch_all!: boolean | null;
  @ApiProperty({ type: Number, nullable: true }) smtp_code!: number | null;
  @ApiProperty() verified_at!: string;
}

export class EmailProvenanceDto {
  @ApiProperty({ description: 'Provider id, lead, or the page the person was found on' })
  source!: string;
  @ApiProperty({ enum: ['api', 'llm', 'scrape', 'inferred'] }) method!: string;
  @ApiProperty({ minimum: 0, maximum: 1 }) confidence!: number;
  @ApiProperty() retrieved_at!: string;
  @ApiProperty() cost_usd!: number;
  @ApiProperty({ type: String, nullable: true }) task_id!: string | null;
  @ApiPropertyOptional({ type: [String] }) evidence?: string[];
  @ApiPropertyOptional() pattern?: string;
  @ApiProperty({ type: EmailVerificationDto }) verification!: EmailVerificationDto;
}

export class StoredEmailDto {
  @ApiProperty() id!: string;
  @ApiProperty() email!: string;
  @ApiProperty() domain!: string;
  @ApiProperty({ type: String, nullable: true }) lead_id!: string | null;
  @ApiProperty({ type: String, nullable: true }) first_name!: string | null;
  @ApiProperty({ type: String, nullable: true }) last_name!: string | null;
  @ApiProperty({ type: String, nullable: true }) position!: string | null;
  @ApiProperty({ enum: ['primary', 'secondary'] }) type!: string;
  @ApiProperty() generic!: boolean;
  @ApiProperty({ enum: ['deliverable', 'risky', 'undeliverable', 'unknown'] }) status!: string;
  @ApiProperty({ type: [String] }) reasons!: string[];
  @ApiProperty({ minimum: 0, maximum: 100 }) score!: number;
  @ApiProperty({ minimum: 0, maximum: 100 }) confidence!: number;
  @ApiProperty() source!: string;
  @ApiProperty({ enum: ['api', 'llm', 'scrape', 'inferred'] }) method!: string;
  @ApiProperty({ type: String, nullable: true }) pattern!: string | null;
  @ApiProperty({ description: 'false once a bounce was reported' }) active!: boolean;
  @ApiProperty({ type: String, nullable: true }) verified_at!: string | null;
  @ApiProperty({ type: EmailProvenanceDto }) provenance!: EmailProvenanceDto;
  @ApiProperty() created_at!: string;
  @ApiProperty() updated_at!: string;
}

export class EmailListDto {
  @ApiProperty({ type: [StoredEmailDto] }) items!: StoredEmailDto[];
  @ApiProperty({ type: String, nullable: true }) next_cursor!: string | null;
}

export class DomainPatternDto {
  @ApiProperty({ example: '{first}.{last}' }) pattern!: string;
  @ApiProperty({ minimum: 0, maximum: 1 }) confidence!: number;
  @ApiProperty() confirmations!: number;
  @ApiProperty() bounces!: number;
}

export class EmailFeedbackResultDto {
  @ApiProperty() email!: string;
  @ApiProperty({ enum: ['bounced', 'delivered'] }) outcome!: string;
  @ApiProperty({ description: 'Stored rows of the address updated' }) updated!: number;
  @ApiProperty() active!: boolean;
  @ApiProperty({
    type: DomainPatternDto,
    nullable: true,
    description: 'The pattern the address was made with, after the feedback',
  })
  pattern!: DomainPatternDto | null;
}
