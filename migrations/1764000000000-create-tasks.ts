import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateTasks1764000000000 implements MigrationInterface {
  name = 'CreateTasks1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE tasks (
        id uuid PRIMARY KEY,
        type varchar(100) NOT NULL,
        status varchar(16) NOT NULL
          CHECK (status IN ('queued','running','succeeded','failed','cancelled')),
        stage varchar(100),
        progress jsonb NOT NULL DEFAULT '{"percent":0}',
        attempts int NOT NULL DEFAULT 0,
        max_attempts int NOT NULL CHECK (max_attempts >= 1),
        priority int NOT NULL DEFAULT 0,
        timeout_ms int NOT NULL,
        input jsonb NOT NULL,
        result jsonb,
        error jsonb,
        checkpoints jsonb NOT NULL DEFAULT '{}',
        idempotency_key varchar(255),
        request_hash varchar(64),
        scope_key varchar(500),
        reused_from uuid,
        batch_id uuid,
        account_id varchar(255),
        lead_id varchar(255),
        callback_url text,
        trace_id varchar(64) NOT NULL,
        cost_usd numeric(14,6) NOT NULL DEFAULT 0,
        cancel_requested_at timestamptz,
        next_attempt_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        finished_at timestamptz
      )`);
    await q.query(`CREATE UNIQUE INDEX tasks_idempotency_key_uq ON tasks (idempotency_key)`);
    await q.query(`CREATE INDEX tasks_created_at_id_idx ON tasks (created_at DESC, id DESC)`);
    await q.query(`CREATE INDEX tasks_status_created_at_idx ON tasks (status, created_at DESC)`);
    await q.query(`CREATE INDEX tasks_type_created_at_idx ON tasks (type, created_at DESC)`);
    await q.query(
      `CREATE INDEX tasks_scope_succeeded_idx ON tasks (type, scope_key, finished_at DESC)
         WHERE status = 'succeeded' AND scope_key IS NOT NULL`,
    );
    await q.query(
      `CREATE INDEX tasks_account_id_idx ON tasks (account_id) WHERE account_id IS NOT NULL`,
    );
    await q.query(`CREATE INDEX tasks_lead_id_idx ON tasks (lead_id) WHERE lead_id IS NOT NULL`);
    await q.query(`CREATE INDEX tasks_batch_id_idx ON tasks (batch_id) WHERE batch_id IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE tasks`);
  }
}
