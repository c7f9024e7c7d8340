import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Leads: one person at an account, per tenant ('' = no tenant), the same person found again
 * (by the vendor's id, the LinkedIn URL, or the normalised name at the same account) updating
 * the row rather than adding one. Evaluations are kept per product as history (newest wins).
 */
export class Leads1764000009000 implements MigrationInterface {
  name = 'Leads1764000009000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE leads (
        id uuid PRIMARY KEY,
        tenant_id varchar(100) NOT NULL DEFAULT '',
        account_id varchar(255) NOT NULL,
        account_domain varchar(255),
        vendor varchar(40),
        vendor_id varchar(255),
        linkedin_url text,
        name_key text NOT NULL,
        name text,
        title text,
        seniority varchar(40),
        person jsonb NOT NULL DEFAULT '{}',
        provenance jsonb NOT NULL DEFAULT '{}',
        last_task_id uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `CREATE UNIQUE INDEX leads_vendor_id_uq ON leads (tenant_id, vendor, vendor_id) WHERE vendor_id IS NOT NULL`,
    );
    await q.query(
      `CREATE UNIQUE INDEX leads_linkedin_uq ON leads (tenant_id, linkedin_url) WHERE linkedin_url IS NOT NULL`,
    );
    await q.query(`CREATE UNIQUE INDEX leads_name_uq ON leads (tenant_id, account_id, name_key)`);
    await q.query(`CREATE INDEX leads_account_idx ON leads (tenant_id, account_id, id)`);

    await q.query(`
      CREATE TABLE lead_evaluations (
        id uuid PRIMARY KEY,
        lead_uuid uuid NOT NULL REFERENCES leads (id) ON DELETE CASCADE,
        task_id uuid,
        product_key varchar(64) NOT NULL,
        product_name text,
        fit_score real NOT NULL,
        persona_match varchar(20),
        method varchar(10) NOT NULL,
        evaluation jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `CREATE INDEX lead_evaluations_latest_idx ON lead_evaluations (lead_uuid, created_at DESC)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE lead_evaluations`);
    await q.query(`DROP TABLE leads`);
  }
}
