import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Batch email jobs (issue 11 §3): a job's items (`email_finding` inputs) run as one task batch
 * (tasks.batch_id), queued a few at a time (`max_concurrent`); its row keeps the request, the
 * state and the outcome. `email_job_claims` holds the leads an active
 * job works on: one claim per (tenant, lead), so no two jobs ever work on the same lead at once.
 */
export class EmailJobs1764000011000 implements MigrationInterface {
  name = 'EmailJobs1764000011000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE email_jobs (
        id uuid PRIMARY KEY,
        tenant_id varchar(100) NOT NULL DEFAULT '',
        kind varchar(10) NOT NULL,
        options jsonb NOT NULL DEFAULT '{}',
        state varchar(10) NOT NULL,
        items jsonb NOT NULL DEFAULT '[]',
        batch_ids uuid[] NOT NULL DEFAULT '{}',
        total integer NOT NULL DEFAULT 0,
        skipped integer NOT NULL DEFAULT 0,
        summary jsonb NOT NULL DEFAULT '{}',
        error_message text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        completed_at timestamptz
      )`);
    await q.query(`CREATE INDEX email_jobs_tenant_idx ON email_jobs (tenant_id, id)`);
    await q.query(
      `CREATE INDEX email_jobs_active_idx ON email_jobs (updated_at) WHERE state IN ('pending', 'running')`,
    );
    await q.query(`
      CREATE TABLE email_job_claims (
        tenant_id varchar(100) NOT NULL DEFAULT '',
        lead_id uuid NOT NULL,
        job_id uuid NOT NULL REFERENCES email_jobs (id) ON DELETE CASCADE,
        PRIMARY KEY (tenant_id, lead_id)
      )`);
    await q.query(`CREATE INDEX email_job_claims_job_idx ON email_job_claims (job_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE email_job_claims`);
    await q.query(`DROP TABLE email_jobs`);
  }
}
