import { ConflictException, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { InvalidFieldsException } from '../../../common/http/validation';
import type { CreateEmailJobDto } from '../dto/email-job.dto';
import { emailDomain } from '../dto/email-finding.input';
import { EmailJobProgress } from './email-job-progress';
import { Item, MAX_ITEMS, UUID } from './email-job-row';

/**
 * A job's items from the request, and the leads among them: which are held by another job
 * (`email_job_claims`, primary key (tenant, lead)) and the 409 that names it.
 */
@Injectable()
export class EmailJobClaims {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly progress: EmailJobProgress,
  ) {}

  /** The job's items from the request, in its order, duplicates removed. */
  async items(body: CreateEmailJobDto, tenant: string): Promise<Item[]> {
    if (body.domains) {
      const bad = body.domains.findIndex((d) => !emailDomain(d));
      if (bad >= 0)
        throw new InvalidFieldsException([{ field: `domains[${bad}]`, message: 'not a domain' }]);
      const domains = [...new Set(body.domains.map((d) => emailDomain(d)!))];
      return domains.map((domain) => ({ payload: { domain }, leadId: null }));
    }
    if (body.lead_ids)
      return [...new Set(body.lead_ids.map((l) => l.toLowerCase()))].map((lead_id) => ({
        payload: { lead_id },
        leadId: lead_id,
      }));
    if (body.rows)
      return body.rows.map((r) => {
        const leadId = typeof r.lead_id === 'string' && UUID.test(r.lead_id) ? r.lead_id : null;
        return { payload: { ...r }, leadId: leadId?.toLowerCase() ?? null };
      });
    // `all`: the tenant's leads without a deliverable stored address (whatever skip_existing says).
    const leads: Array<{ id: string }> = await this.ds.query(
      `SELECT l.id FROM leads l
        WHERE l.tenant_id = $1
          AND NOT EXISTS (SELECT 1 FROM emails e WHERE e.tenant_id = l.tenant_id
                            AND e.lead_uuid = l.id AND e.status = 'deliverable' AND e.active)
        ORDER BY l.created_at, l.id LIMIT $2`,
      [tenant, body.limit ?? MAX_ITEMS],
    );
    return leads.map((l) => ({ payload: { lead_id: l.id }, leadId: l.id }));
  }

  /** Leads with a stored deliverable address left out. */
  async withoutFound(items: Item[], tenant: string): Promise<Item[]> {
    const leads = items.flatMap((i) => (i.leadId ? [i.leadId] : []));
    if (!leads.length) return items;
    const found: Array<{ lead_uuid: string }> = await this.ds.query(
      `SELECT DISTINCT lead_uuid FROM emails WHERE tenant_id = $1 AND lead_uuid = ANY($2::uuid[])
         AND status = 'deliverable' AND active`,
      [tenant, leads],
    );
    const has = new Set(found.map((f) => f.lead_uuid));
    return items.filter((i) => !i.leadId || !has.has(i.leadId));
  }

  /** lead id → the active job that holds it. */
  async holders(
    tenant: string,
    items: Item[],
    q: Pick<DataSource, 'query'> = this.ds,
  ): Promise<Map<string, string>> {
    const leads = items.flatMap((i) => (i.leadId ? [i.leadId] : []));
    if (!leads.length) return new Map();
    const rows: Array<{ lead_id: string; job_id: string }> = await q.query(
      `SELECT lead_id, job_id FROM email_job_claims WHERE tenant_id = $1 AND lead_id = ANY($2::uuid[])`,
      [tenant, leads],
    );
    return new Map(rows.map((r) => [r.lead_id, r.job_id]));
  }

  /** Jobs holding some of these leads whose tasks have all ended give their claims up now. */
  async releaseFinishedHolders(tenant: string, items: Item[]): Promise<void> {
    const jobs = new Set((await this.holders(tenant, items)).values());
    for (const id of jobs) {
      const row = await this.progress.row(id);
      if (row) await this.progress.refresh(row);
    }
  }

  conflict(held: Map<string, string>): ConflictException {
    const jobs = [...new Set(held.values())];
    return new ConflictException({
      detail: `${held.size} of these leads are being worked on by email job ${jobs.join(', ')}; wait for it, or send on_conflict: "skip"`,
      job_id: jobs[0],
      job_ids: jobs,
      leads_held: held.size,
    });
  }
}
