import { Injectable, NotFoundException } from '@nestjs/common';
import type { Principal } from '../../../common/auth/principal';
import type { LeadResearchDto, ResearchReportDto } from '../dto/research-views.dto';
import { ResearchRepository, StoredReport } from '../storage/research.repository';

const iso = (d: Date | string) => new Date(d).toISOString();

function toReportDto(r: StoredReport): ResearchReportDto {
  return {
    id: r.id,
    lead_id: r.lead_id,
    account_id: r.account_id,
    task_id: r.task_id,
    person_name: r.person_name,
    person_linkedin_url: r.person_linkedin_url,
    company_name: r.company_name,
    captured_at: iso(r.captured_at),
    activities: r.activities,
    analysed: r.analysed,
    content_details: r.content_details as unknown as Array<Record<string, unknown>>,
    insights: r.insights as unknown as Record<string, unknown> | null,
    partial_reason: r.partial_reason,
    cost_usd: Number(r.cost_usd),
    created_at: iso(r.created_at),
  };
}

/** A lead's research reports as a caller sees them: a tenant-bound caller, its tenant's only. */
@Injectable()
export class ResearchService {
  constructor(private readonly repo: ResearchRepository) {}

  async ofLead(leadId: string, caller: Principal): Promise<LeadResearchDto> {
    const rows = await this.repo.history(leadId, caller.tenant);
    if (!rows.length)
      throw new NotFoundException({ detail: `No research report for lead ${leadId}` });
    return {
      lead_id: leadId,
      latest: toReportDto(rows[0]),
      history: rows.map((r) => ({
        id: r.id,
        task_id: r.task_id,
        captured_at: iso(r.captured_at),
        activities: r.activities,
        analysed: r.analysed,
        has_insights: r.insights !== null,
        cost_usd: Number(r.cost_usd),
        created_at: iso(r.created_at),
      })),
    };
  }
}
