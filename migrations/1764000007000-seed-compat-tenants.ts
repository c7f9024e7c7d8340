import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The seed drop-in and tenants: tasks get the client's own job id (`external_id`) and a tenant;
 * idempotency keys are unique per tenant; callback deliveries know their tenant and, for tasks
 * that report per entity (bulk accounts), their stream, with one terminal callback per stream;
 * accounts are readable by every (tenant, account_id) that asked for them.
 */
export class SeedCompatTenants1764000007000 implements MigrationInterface {
  name = 'SeedCompatTenants1764000007000';

  async up(q: QueryRunner): Promise<void> {
    // retry_round: a manual retry (POST …/retry) starts a new round, whose callbacks start afresh.
    await q.query(
      `ALTER TABLE tasks ADD COLUMN tenant_id varchar(100), ADD COLUMN external_id varchar(255),
         ADD COLUMN retry_round int NOT NULL DEFAULT 0`,
    );
    // Status by the client's job id: the newest task wins.
    await q.query(
      `CREATE INDEX tasks_external_id_idx ON tasks (external_id, created_at DESC) WHERE external_id IS NOT NULL`,
    );
    await q.query(
      `CREATE INDEX tasks_tenant_created_idx ON tasks (tenant_id, created_at DESC, id DESC) WHERE tenant_id IS NOT NULL`,
    );
    await q.query(`DROP INDEX tasks_idempotency_key_uq`);
    await q.query(
      `CREATE UNIQUE INDEX tasks_idempotency_key_uq ON tasks (COALESCE(tenant_id, ''), idempotency_key)
         WHERE idempotency_key IS NOT NULL`,
    );

    await q.query(`
      ALTER TABLE callback_deliveries
        ADD COLUMN tenant_id varchar(100),
        ADD COLUMN round int NOT NULL DEFAULT 0,
        ADD COLUMN stream_key varchar(64),
        ADD COLUMN dedupe_key varchar(200)`);
    await q.query(
      `CREATE UNIQUE INDEX callback_deliveries_dedupe_uq ON callback_deliveries (dedupe_key) WHERE dedupe_key IS NOT NULL`,
    );
    await q.query(
      `ALTER TABLE callback_deliveries DROP CONSTRAINT IF EXISTS callback_deliveries_event_check`,
    );
    await q.query(
      `ALTER TABLE callback_deliveries ADD CONSTRAINT callback_deliveries_event_check CHECK (event IN
         ('task.succeeded','task.failed','task.cancelled','task.progress',
          'item.succeeded','item.failed','item.cancelled'))`,
    );

    await q.query(`
      CREATE TABLE account_refs (
        id uuid PRIMARY KEY,
        tenant_id varchar(100) NOT NULL DEFAULT '',
        account_id varchar(255),
        account_uuid uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // A tenant's account_id names one account; the same account may carry many ids.
    await q.query(
      `CREATE UNIQUE INDEX account_refs_tenant_account_id_uq ON account_refs (tenant_id, account_id)
         WHERE account_id IS NOT NULL`,
    );
    await q.query(
      `CREATE UNIQUE INDEX account_refs_tenant_anonymous_uq ON account_refs (tenant_id, account_uuid)
         WHERE account_id IS NULL`,
    );
    await q.query(
      `CREATE INDEX account_refs_account_idx ON account_refs (account_uuid, tenant_id)`,
    );
    // Existing accounts keep their caller id, as an operator's (no tenant) reference.
    await q.query(`
      INSERT INTO account_refs (id, tenant_id, account_id, account_uuid)
      SELECT gen_random_uuid(), '', account_id, id FROM accounts`);
    // Ids now live in account_refs; the column keeps the first caller's id, no longer unique.
    await q.query(`DROP INDEX accounts_account_id_uq`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE account_refs`);
    await q.query(
      `CREATE UNIQUE INDEX accounts_account_id_uq ON accounts (account_id) WHERE account_id IS NOT NULL`,
    );
    await q.query(`DELETE FROM callback_deliveries WHERE event LIKE 'item.%'`);
    await q.query(
      `ALTER TABLE callback_deliveries DROP CONSTRAINT IF EXISTS callback_deliveries_event_check`,
    );
    await q.query(
      `ALTER TABLE callback_deliveries ADD CONSTRAINT callback_deliveries_event_check CHECK (event IN
         ('task.succeeded','task.failed','task.cancelled','task.progress'))`,
    );
    await q.query(`DROP INDEX callback_deliveries_dedupe_uq`);
    await q.query(
      `ALTER TABLE callback_deliveries DROP COLUMN tenant_id, DROP COLUMN round, DROP COLUMN stream_key,
         DROP COLUMN dedupe_key`,
    );
    await q.query(`DROP INDEX tasks_idempotency_key_uq`);
    await q.query(`CREATE UNIQUE INDEX tasks_idempotency_key_uq ON tasks (idempotency_key)`);
    await q.query(`DROP INDEX tasks_tenant_created_idx`);
    await q.query(`DROP INDEX tasks_external_id_idx`);
    await q.query(
      `ALTER TABLE tasks DROP COLUMN tenant_id, DROP COLUMN external_id, DROP COLUMN retry_round`,
    );
  }
}
