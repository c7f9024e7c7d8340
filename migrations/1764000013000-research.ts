import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * LinkedIn research reports (issue 12 §1): one row per `lead_linkedin_research` task that ended
 * with a report, kept as the lead's report history (newest first). The captured HTML itself
 * stays on the task's input (and goes with the task's retention).
 */
export class Research1764000013000 implements MigrationInterface {
  name = 'Research1764000013000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE research_reports (
        id uuid PRIMARY KEY,
        tenant_id varchar(100) NOT NULL DEFAULT '',
        lead_id varchar(255) NOT NULL,
        account_id varchar(255),
        task_id uuid NOT NULL UNIQUE,
        person_name varchar(300),
        person_linkedin_url text,
        company_name varchar(300),
        captured_at timestamptz NOT NULL,
        activities integer NOT NULL DEFAULT 0,
        analysed integer NOT NULL DEFAULT 0,
        content_details jsonb NOT NULL DEFAULT '[]',
        insights jsonb,
        partial_reason jsonb,
        cost_usd numeric(14,6) NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `CREATE INDEX research_reports_lead_idx ON research_reports (tenant_id, lead_id, created_at DESC)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE research_reports`);
  }
}
