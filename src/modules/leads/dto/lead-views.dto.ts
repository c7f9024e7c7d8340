import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class LeadProvenanceDto {
  @ApiProperty({ description: 'Provider id, or the URL the value was read from' }) source!: string;
  @ApiProperty({ enum: ['api', 'llm', 'scrape', 'inferred'] }) method!: string;
  @ApiProperty() retrieved_at!: string;
  @ApiProperty({ minimum: 0, maximum: 1 }) confidence!: number;
  @ApiProperty() cost_usd!: number;
  @ApiProperty({ type: String, nullable: true }) task_id!: string | null;
  @ApiPropertyOptional({ type: [String] }) evidence?: string[];
}

export class LeadEvaluationDto {
  @ApiProperty({ minimum: 0, maximum: 100 }) fit_score!: number;
  @ApiProperty({ enum: ['buyer', 'influencer', 'end_user'], nullable: true, type: String })
  persona_match!: string | null;
  @ApiProperty() rationale!: string;
  @ApiProperty({ type: [String] }) matching_signals!: string[];
  @ApiPropertyOptional({ type: String, nullable: true }) recommended_approach?: string | null;
  @ApiProperty({ type: [String] }) key_insights!: string[];
  @ApiProperty({ type: [String] }) time_signals!: string[];
  @ApiProperty({ enum: ['llm', 'rules'] }) method!: string;
  @ApiPropertyOptional() provider?: string;
  @ApiPropertyOptional() model?: string;
  @ApiProperty() cost_usd!: number;
  @ApiPropertyOptional({ type: String, nullable: true }) product_name?: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) task_id?: string | null;
  @ApiProperty() evaluated_at!: string;
}

export class LeadDto {
  @ApiProperty() id!: string;
  @ApiProperty() account_id!: string;
  @ApiProperty({ type: String, nullable: true }) account_domain!: string | null;
  @ApiProperty({ type: String, nullable: true }) name!: string | null;
  @ApiProperty({ type: String, nullable: true }) title!: string | null;
  @ApiProperty({ type: String, nullable: true }) seniority!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'linkedin.com/in/<slug>' })
  linkedin_url!: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'The provider whose id the lead carries',
  })
  vendor!: string | null;
  @ApiProperty({ type: String, nullable: true }) vendor_id!: string | null;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'The person (canonical shape: name, title, employments, organization, contacts…)',
  })
  person!: Record<string, unknown>;
  @ApiProperty({
    type: 'object',
    additionalProperties: { $ref: '#/components/schemas/LeadProvenanceDto' },
    description: 'Per field of `person`: where its value came from',
  })
  provenance!: Record<string, LeadProvenanceDto>;
  @ApiProperty({ type: LeadEvaluationDto, nullable: true, description: 'The newest evaluation' })
  evaluation!: LeadEvaluationDto | null;
  @ApiProperty() created_at!: string;
  @ApiProperty() updated_at!: string;
}

export class LeadDetailDto extends LeadDto {
  @ApiProperty({
    type: [LeadEvaluationDto],
    description: 'Evaluations, newest first (per product)',
  })
  evaluations!: LeadEvaluationDto[];
}

export class LeadListDto {
  @ApiProperty({ type: [LeadDto] }) items!: LeadDto[];
  @ApiProperty({ type: String, nullable: true }) next_cursor!: string | null;
}
