import { MigrationInterface, QueryRunner } from 'typeorm';

export class CallbackDeliveries1764000005000 implements MigrationInterface {
  name = 'CallbackDeliveries1764000005000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE callback_deliveries (
        id varchar(64) PRIMARY KEY,
        seq bigserial NOT NULL UNIQUE,
        task_id uuid NOT NULL,
        event_id varchar(64) NOT NULL,
        event varchar(32) NOT NULL
          CHECK (event IN ('task.succeeded','task.failed','task.cancelled','task.progress')),
        url text NOT NULL,
        payload jsonb NOT NULL,
        page int,
        total_pages int,
        status varchar(16) NOT NULL
          CHECK (status IN ('pending','failed','delivered','dead','disabled')),
        attempts int NOT NULL DEFAULT 0,
        round_attempts int NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        last_attempt_at timestamptz,
        last_status_code int,
        last_error text,
        delivered_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // Rows the relay still has to send, by due time (the callbacks sweep).
    await q.query(
      `CREATE INDEX callback_deliveries_due_idx ON callback_deliveries (next_attempt_at)
         WHERE status IN ('pending','failed')`,
    );
    // Retention: finished deliveries are deleted with the tasks' horizon.
    await q.query(
      `CREATE INDEX callback_deliveries_created_idx ON callback_deliveries (created_at)`,
    );
    await q.query(
      `CREATE INDEX callback_deliveries_task_idx ON callback_deliveries (task_id, seq)`,
    );
    await q.query(
      `CREATE INDEX callback_deliveries_event_idx ON callback_deliveries (event_id, page)`,
    );
    await q.query(
      `CREATE INDEX callback_deliveries_status_seq_idx ON callback_deliveries (status, seq DESC)`,
    );
    // Disabling a URL moves its open deliveries.
    await q.query(
      `CREATE INDEX callback_deliveries_open_url_idx ON callback_deliveries (url)
         WHERE status IN ('pending','failed')`,
    );
    await q.query(`
      CREATE TABLE callback_endpoints (
        url text PRIMARY KEY,
        disabled_at timestamptz,
        disabled_reason text,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE callback_endpoints`);
    await q.query(`DROP TABLE callback_deliveries`);
  }
}
