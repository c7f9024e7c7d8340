import { MigrationInterface, QueryRunner } from 'typeorm';

export class Accounts1764000006000 implements MigrationInterface {
  name = 'Accounts1764000006000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE accounts (
        id uuid PRIMARY KEY,
        domain varchar(255) NOT NULL UNIQUE,
        account_id varchar(255),
        name text,
        website text NOT NULL,
        profile jsonb NOT NULL DEFAULT '{"fields":{},"conflicts":[]}',
        processed_data jsonb NOT NULL DEFAULT '{}',
        field_sources jsonb NOT NULL DEFAULT '{}',
        version int NOT NULL DEFAULT 0,
        last_task_id uuid,
        enhanced_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // The caller's id is unique where given.
    await q.query(
      `CREATE UNIQUE INDEX accounts_account_id_uq ON accounts (account_id) WHERE account_id IS NOT NULL`,
    );
    await q.query(`
      CREATE TABLE account_snapshots (
        id uuid PRIMARY KEY,
        account_uuid uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
        version int NOT NULL,
        task_id uuid,
        profile jsonb NOT NULL,
        processed_data jsonb NOT NULL,
        changed_fields jsonb NOT NULL DEFAULT '[]',
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (account_uuid, version)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE account_snapshots`);
    await q.query(`DROP TABLE accounts`);
  }
}
