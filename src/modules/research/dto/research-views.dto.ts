import { ApiProperty } from '@nestjs/swagger';

export class ResearchPartialReasonDto {
  @ApiProperty({ example: 'LLM_NOT_CONFIGURED' }) code!: string;
  @ApiProperty() message!: string;
}

/** One stored report of a lead. */
export class ResearchReportDto {
  @ApiProperty() id!: string;
  @ApiProperty() lead_id!: string;
  @ApiProperty({ type: String, nullable: true }) account_id!: string | null;
  @ApiProperty({ description: 'The lead_linkedin_research task that wrote it' }) task_id!: string;
  @ApiProperty({ type: String, nullable: true }) person_name!: string | null;
  @ApiProperty({ type: String, nullable: true }) person_linkedin_url!: string | null;
  @ApiProperty({ type: String, nullable: true }) company_name!: string | null;
  @ApiProperty({ description: 'When the page was captured (relative dates count from it)' })
  captured_at!: string;
  @ApiProperty({ description: 'Activities found in the captures' }) activities!: number;
  @ApiProperty({ description: 'Activities the LLM analysed' }) analysed!: number;
  @ApiProperty({
    type: 'array',
    items: { type: 'object', additionalProperties: true },
    description:
      "Per activity: the seed's ContentDetails with Assay's own fields (docs/research.md)",
  })
  content_details!: Array<Record<string, unknown>>;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description:
      "The seed's Insights with email drafts and activity citations; null without a report",
  })
  insights!: Record<string, unknown> | null;
  @ApiProperty({ type: ResearchPartialReasonDto, nullable: true })
  partial_reason!: ResearchPartialReasonDto | null;
  @ApiProperty() cost_usd!: number;
  @ApiProperty() created_at!: string;
}

/** A report in a lead's history. */
export class ResearchReportSummaryDto {
  @ApiProperty() id!: string;
  @ApiProperty() task_id!: string;
  @ApiProperty() captured_at!: string;
  @ApiProperty() activities!: number;
  @ApiProperty() analysed!: number;
  @ApiProperty() has_insights!: boolean;
  @ApiProperty() cost_usd!: number;
  @ApiProperty() created_at!: string;
}

/** `GET /api/v1/research/{lead_id}`: the newest report and the lead's history, newest first. */
export class LeadResearchDto {
  @ApiProperty() lead_id!: string;
  @ApiProperty({ type: ResearchReportDto }) latest!: ResearchReportDto;
  @ApiProperty({ type: [ResearchReportSummaryDto] }) history!: ResearchReportSummaryDto[];
}
