import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { ContentDetails } from '../analysis/content-details';
import type { Insights } from '../report/research-report';

/** A stored report (a `research_reports` row). */
export interface StoredReport {
  id: string;
  tenant_id: string;
  lead_id: string;
  account_id: string | null;
  task_id: string;
  person_name: string | null;
  person_linkedin_url: string | null;
  company_name: string | null;
  captured_at: Date;
  activities: number;
  analysed: number;
  content_details: ContentDetails[];
  insights: Insights | null;
  partial_reason: { code: string; message: string } | null;
  cost_usd: string;
  created_at: Date;
}

export type NewReport = Omit<StoredReport, 'id' | 'created_at' | 'cost_usd'> & { cost_usd: number };

/** The lead's report history (docs/research.md): one row per task, written once per task. */
@Injectable()
export class ResearchRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  /** Stores a task's report; a retry of the same task replaces its row instead of adding one. */
  async save(r: NewReport): Promise<string> {
    const [row]: Array<{ id: string }> = await this.ds.query(
      `INSERT INTO research_reports (id, tenant_id, lead_id, account_id, task_id, person_name,
              person_linkedin_url, company_name, captured_at, activities, analysed, content_details,
              insights, partial_reason, cost_usd)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
       ON CONFLICT (task_id) DO UPDATE SET content_details = EXCLUDED.content_details,
              insights = EXCLUDED.insights, partial_reason = EXCLUDED.partial_reason,
              activities = EXCLUDED.activities, analysed = EXCLUDED.analysed,
              cost_usd = EXCLUDED.cost_usd
       RETURNING id`,
      [
        randomUUID(),
        r.tenant_id,
        r.lead_id,
        r.account_id,
        r.task_id,
        r.person_name,
        r.person_linkedin_url,
        r.company_name,
        r.captured_at,
        r.activities,
        r.analysed,
        JSON.stringify(r.content_details),
        r.insights ? JSON.stringify(r.insights) : null,
        r.partial_reason ? JSON.stringify(r.partial_reason) : null,
        r.cost_usd,
      ],
    );
    return row.id;
  }

  /** A lead's reports, newest first (`tenant` null: every tenant's). */
  history(leadId: string, tenant: string | null, limit = 50): Promise<StoredReport[]> {
    return this.ds.query(
      `SELECT * FROM research_reports WHERE lead_id = $1 AND ($2::text IS NULL OR tenant_id = $2)
        ORDER BY created_at DESC, id LIMIT $3`,
      [leadId, tenant, limit],
    );
  }
}
