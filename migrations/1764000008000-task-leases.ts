import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A running task's lease: its worker process renews it every second from a thread of its own
 * (so a busy event loop keeps it); another worker may take the task over only once it has
 * lapsed. Not indexed: renewals stay heap-only updates.
 */
export class TaskLeases1764000008000 implements MigrationInterface {
  name = 'TaskLeases1764000008000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE tasks ADD COLUMN lease_until timestamptz`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE tasks DROP COLUMN lease_until`);
  }
}
