import { MigrationInterface, QueryRunner } from 'typeorm';

export class ProviderCallsCacheBudget1764000001000 implements MigrationInterface {
  name = 'ProviderCallsCacheBudget1764000001000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE provider_cache (
        key varchar(64) PRIMARY KEY,
        provider varchar(64) NOT NULL,
        operation varchar(100) NOT NULL,
        response jsonb NOT NULL,
        cost_usd numeric(14,6) NOT NULL DEFAULT 0,
        task_id uuid,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX provider_cache_expires_at_idx ON provider_cache (expires_at)`);
    await q.query(`
      CREATE TABLE provider_calls (
        id bigserial PRIMARY KEY,
        task_id uuid,
        stage varchar(100),
        provider varchar(64) NOT NULL,
        capability varchar(64) NOT NULL,
        operation varchar(100) NOT NULL,
        fingerprint varchar(64) NOT NULL,
        outcome varchar(32) NOT NULL,
        cached boolean NOT NULL DEFAULT false,
        latency_ms int NOT NULL DEFAULT 0,
        attempts int NOT NULL DEFAULT 1,
        cost_usd numeric(14,6) NOT NULL DEFAULT 0,
        model varchar(200),
        error_message text,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `CREATE INDEX provider_calls_task_idx ON provider_calls (task_id) WHERE task_id IS NOT NULL`,
    );
    await q.query(
      `CREATE INDEX provider_calls_provider_created_idx ON provider_calls (provider, created_at DESC)`,
    );
    await q.query(`CREATE INDEX provider_calls_created_idx ON provider_calls (created_at DESC)`);
    await q.query(`ALTER TABLE tasks ADD COLUMN budget_usd numeric(14,6)`);
    await q.query(
      `ALTER TABLE tasks ADD COLUMN cost_reserved_usd numeric(14,6) NOT NULL DEFAULT 0`,
    );
    await q.query(`ALTER TABLE tasks ADD COLUMN batch_budget_usd numeric(14,6)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE tasks DROP COLUMN batch_budget_usd`);
    await q.query(`ALTER TABLE tasks DROP COLUMN cost_reserved_usd`);
    await q.query(`ALTER TABLE tasks DROP COLUMN budget_usd`);
    await q.query(`DROP TABLE provider_calls`);
    await q.query(`DROP TABLE provider_cache`);
  }
}
