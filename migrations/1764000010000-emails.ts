import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Emails found and verified (issue 11): one row per (tenant, person or lead, address), updated on
 * a re-find; and what is known of each domain's address pattern (confirmed by deliveries, lowered
 * by bounces).
 */
export class Emails1764000010000 implements MigrationInterface {
  name = 'Emails1764000010000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE emails (
        id uuid PRIMARY KEY,
        tenant_id varchar(100) NOT NULL DEFAULT '',
        person_key text NOT NULL,
        lead_uuid uuid,
        email varchar(320) NOT NULL,
        domain varchar(255) NOT NULL,
        first_name text,
        last_name text,
        position text,
        type varchar(10) NOT NULL,
        generic boolean NOT NULL DEFAULT false,
        source varchar(255) NOT NULL,
        method varchar(10) NOT NULL,
        pattern varchar(40),
        confidence real NOT NULL,
        status varchar(20) NOT NULL,
        reasons jsonb NOT NULL DEFAULT '[]',
        score real NOT NULL,
        verified_at timestamptz,
        active boolean NOT NULL DEFAULT true,
        provenance jsonb NOT NULL DEFAULT '{}',
        last_task_id uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX emails_person_uq ON emails (tenant_id, person_key, email)`);
    await q.query(`CREATE INDEX emails_domain_idx ON emails (tenant_id, domain, id)`);
    await q.query(`CREATE INDEX emails_email_idx ON emails (tenant_id, email)`);
    await q.query(`CREATE INDEX emails_lead_idx ON emails (lead_uuid) WHERE lead_uuid IS NOT NULL`);

    await q.query(`
      CREATE TABLE email_domain_patterns (
        tenant_id varchar(100) NOT NULL DEFAULT '',
        domain varchar(255) NOT NULL,
        pattern varchar(40) NOT NULL,
        confidence real NOT NULL,
        source varchar(40) NOT NULL,
        confirmations integer NOT NULL DEFAULT 0,
        bounces integer NOT NULL DEFAULT 0,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, domain, pattern)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE email_domain_patterns`);
    await q.query(`DROP TABLE emails`);
  }
}
