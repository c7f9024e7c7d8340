import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 14: the task table's updates as heap-only (HOT) updates where they can be.
 *
 * PostgreSQL rewrites every index of a row on an UPDATE unless no indexed column changed (key
 * columns and the columns of partial-index predicates alike) and the new row version fits on the
 * same page. `status` was in two indexes, so a claim (queued → running) wrote a new entry into
 * every index of the table. No index now names `status`:
 *  - queued and running tasks are found through `tasks_unfinished_idx` (finished_at IS NULL:
 *    small, only the backlog), which the claim does not touch — claims, lease renewals, progress
 *    and cost updates are heap-only;
 *  - failed (and cancelled) tasks through `tasks_ended_with_error_idx`;
 *  - the stored-result reuse lookup through `tasks_scope_finished_idx` (any finished task of the
 *    scope; the query keeps `status = 'succeeded'`);
 *  - the retention sweep through `tasks_created_at_id_idx` (a task ends after it was created).
 * The final UPDATE still writes the indexes (it sets finished_at). fillfactor 80 leaves room on
 * each page for the claim's new row version.
 *
 * The queries that use these indexes state the predicates they rely on (a queued or running task
 * has no finished_at; a failed or cancelled one has an error); two CHECK constraints keep them
 * true for every row written from now on (NOT VALID: rows already stored are not re-read).
 */
export class TaskHeapOnlyUpdates1764000015000 implements MigrationInterface {
  name = 'TaskHeapOnlyUpdates1764000015000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE tasks SET (fillfactor = 80)`);
    await q.query(
      `CREATE INDEX tasks_unfinished_idx ON tasks (created_at DESC, id DESC) WHERE finished_at IS NULL`,
    );
    await q.query(
      `CREATE INDEX tasks_ended_with_error_idx ON tasks (created_at DESC)
         WHERE finished_at IS NOT NULL AND error IS NOT NULL`,
    );
    await q.query(
      `CREATE INDEX tasks_scope_finished_idx ON tasks (type, scope_key, finished_at DESC)
         WHERE scope_key IS NOT NULL AND finished_at IS NOT NULL`,
    );
    await q.query(`DROP INDEX tasks_status_created_at_idx`);
    await q.query(`DROP INDEX tasks_scope_succeeded_idx`);
    await q.query(
      `ALTER TABLE tasks ADD CONSTRAINT tasks_finished_at_ck
         CHECK ((finished_at IS NULL) = (status IN ('queued','running'))) NOT VALID`,
    );
    await q.query(
      `ALTER TABLE tasks ADD CONSTRAINT tasks_ended_error_ck
         CHECK (status NOT IN ('failed','cancelled') OR error IS NOT NULL) NOT VALID`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE tasks DROP CONSTRAINT tasks_ended_error_ck`);
    await q.query(`ALTER TABLE tasks DROP CONSTRAINT tasks_finished_at_ck`);
    await q.query(
      `CREATE INDEX tasks_scope_succeeded_idx ON tasks (type, scope_key, finished_at DESC)
         WHERE status = 'succeeded' AND scope_key IS NOT NULL`,
    );
    await q.query(`CREATE INDEX tasks_status_created_at_idx ON tasks (status, created_at DESC)`);
    await q.query(`DROP INDEX tasks_scope_finished_idx`);
    await q.query(`DROP INDEX tasks_ended_with_error_idx`);
    await q.query(`DROP INDEX tasks_unfinished_idx`);
    await q.query(`ALTER TABLE tasks RESET (fillfactor)`);
  }
}
