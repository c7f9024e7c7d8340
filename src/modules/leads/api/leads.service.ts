import { Injectable, NotFoundException } from '@nestjs/common';
import type { Principal } from '../../../common/auth/principal';
import { cursorParam, Page, toPage } from '../../../common/http/paging';
import type { LeadDetailDto, LeadDto, LeadEvaluationDto } from '../dto/lead-views.dto';
import type { ListLeadsQueryDto } from '../dto/lead-requests.dto';
import type { LeadEvaluationEntity } from '../storage/lead-evaluation.entity';
import type { LeadEntity } from '../storage/lead.entity';
import { LeadsRepository } from '../storage/leads.repository';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const iso = (d: Date | string) => new Date(d).toISOString();

/** A lead cursor: the id of the last lead of the page, opaque to clients. */
const encodeLeadCursor = (id: string) => Buffer.from(`lead:${id}`).toString('base64url');
function decodeLeadCursor(cursor: string): string | null {
  const raw = Buffer.from(cursor, 'base64url').toString('utf8');
  const id = raw.startsWith('lead:') ? raw.slice(5) : '';
  return UUID.test(id) ? id : null;
}

export function toEvaluationDto(e: LeadEvaluationEntity): LeadEvaluationDto {
  const v = e.evaluation;
  return {
    fit_score: v.fit_score,
    persona_match: v.persona_match,
    rationale: v.rationale,
    matching_signals: v.matching_signals,
    recommended_approach: v.recommended_approach ?? null,
    key_insights: v.key_insights ?? [],
    time_signals: v.time_signals,
    method: v.method,
    ...(v.provider ? { provider: v.provider } : {}),
    ...(v.model ? { model: v.model } : {}),
    cost_usd: v.cost_usd,
    product_name: e.productName,
    task_id: e.taskId,
    evaluated_at: iso(e.createdAt),
  };
}

export function toLeadDto(l: LeadEntity, evaluation: LeadEvaluationEntity | null): LeadDto {
  return {
    id: l.id,
    account_id: l.accountId,
    account_domain: l.accountDomain,
    name: l.name,
    title: l.title,
    seniority: l.seniority,
    linkedin_url: l.linkedinUrl ? `https://www.${l.linkedinUrl}` : null,
    vendor: l.vendor,
    vendor_id: l.vendorId,
    person: l.person as Record<string, unknown>,
    provenance: l.provenance,
    evaluation: evaluation ? toEvaluationDto(evaluation) : null,
    created_at: iso(l.createdAt),
    updated_at: iso(l.updatedAt),
  };
}

/** Stored leads as a caller sees them: a tenant-bound caller sees its tenant's only. */
@Injectable()
export class LeadsService {
  constructor(private readonly repo: LeadsRepository) {}

  async list(q: ListLeadsQueryDto, caller: Principal): Promise<Page<LeadDto>> {
    const limit = q.limit ?? 50;
    const rows = await this.repo.list({
      tenantId: caller.tenant,
      accountId: q.account_id,
      minScore: q.min_score,
      persona: q.persona,
      afterId: cursorParam(q.cursor, decodeLeadCursor),
      limit: limit + 1,
    });
    return toPage(
      rows,
      limit,
      (r) => toLeadDto(r.lead, r.evaluation),
      (r) => encodeLeadCursor(r.lead.id),
    );
  }

  async get(id: string, caller: Principal): Promise<LeadDetailDto> {
    const lead = UUID.test(id) ? await this.repo.findById(id, caller.tenant) : null;
    if (!lead) throw new NotFoundException({ detail: `No lead with id "${id}"` });
    const evaluations = await this.repo.evaluations(lead.id);
    return {
      ...toLeadDto(lead, evaluations[0] ?? null),
      evaluations: evaluations.map(toEvaluationDto),
    };
  }
}
