import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { AppConfig, loadConfig } from '../../src/common/config/app.config';
import { runMigrations } from '../../src/database/migrate';
import { LeaseKeeper } from '../../src/modules/tasks/engine/lease-keeper';
import { testEnv, waitFor } from '../support/test-app';

/**
 * The lease thread renews the leases of the tasks its process runs, from its own connection, and
 * never waits for a row another transaction holds (it would be one side of a deadlock with the
 * worker's batched claims and final UPDATEs).
 */
describe('LeaseKeeper (real PostgreSQL)', () => {
  let config: AppConfig;
  let db: Client;
  let locker: Client;
  let keeper: LeaseKeeper;

  beforeAll(async () => {
    config = loadConfig(testEnv({ TASK_LEASE_MS: '4000', TASK_LEASE_RENEW_MS: '200' }));
    await runMigrations(config);
    db = new Client({ connectionString: config.DATABASE_URL });
    locker = new Client({ connectionString: config.DATABASE_URL });
    await Promise.all([db.connect(), locker.connect()]);
    keeper = new LeaseKeeper(config);
  });
  afterAll(async () => {
    await keeper?.onApplicationShutdown();
    await locker?.end();
    await db?.end();
  });

  /** A running task whose lease ended a minute ago. */
  const runningTask = async () => {
    const id = randomUUID();
    await db.query(
      `INSERT INTO tasks (id, type, status, attempts, max_attempts, timeout_ms, input, trace_id, started_at, lease_until)
       VALUES ($1, 'diagnostic', 'running', 1, 3, 60000, '{}', $2, now(), now() - interval '1 minute')`,
      [id, randomUUID().replace(/-/g, '')],
    );
    return id;
  };
  const leaseAhead = async (id: string) =>
    (
      await db.query<{ ahead: boolean }>(
        "SELECT lease_until > now() + interval '1 second' AS ahead FROM tasks WHERE id = $1",
        [id],
      )
    ).rows[0].ahead;

  it('renews the other tasks while one row is locked elsewhere, and that one once it is free', async () => {
    const free = await runningTask();
    const locked = await runningTask();
    await locker.query('BEGIN');
    await locker.query('SELECT id FROM tasks WHERE id = $1 FOR UPDATE', [locked]);
    try {
      await keeper.hold(free);
      await keeper.hold(locked);
      // Waiting for the locked row would hold back the whole statement: `free` would stay lapsed.
      await waitFor(() => leaseAhead(free), 'the free task’s lease to be renewed', 20_000);
      expect(await leaseAhead(locked)).toBe(false);
    } finally {
      await locker.query('COMMIT');
    }
    await waitFor(() => leaseAhead(locked), 'the unlocked task’s lease to be renewed', 20_000);
  });

  it('stops renewing a released task, and never renews one that is no longer running', async () => {
    const released = await runningTask();
    const ended = await runningTask();
    const witness = await runningTask();
    await db.query(`UPDATE tasks SET status = 'succeeded', finished_at = now() WHERE id = $1`, [
      ended,
    ]);
    await keeper.hold(released);
    keeper.release(released);
    await keeper.hold(ended);
    await keeper.hold(witness);
    // Renewals have happened once the witness's lease moved.
    await waitFor(() => leaseAhead(witness), 'a renewal', 20_000);
    expect(await leaseAhead(released)).toBe(false);
    expect(await leaseAhead(ended)).toBe(false);
  });
});
