import { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { AppConfig, loadConfig } from '../../../src/common/config/app.config';
import { PreparedStatements } from '../../../src/database/prepared-statements';
import { testEnv } from '../../support/test-app';

/**
 * PreparedStatements on a real PostgreSQL: a one-connection pool, so that the session's
 * pg_prepared_statements shows what the statements left behind.
 */
describe('PreparedStatements', () => {
  let pool: Pool;
  const text = 'SELECT $1::int + 1 AS n, $2::text AS label';

  beforeAll(() => {
    pool = new Pool({ connectionString: process.env.ASSAY_TEST_DATABASE_URL, max: 1 });
  });
  afterAll(async () => {
    await pool?.end();
  });

  const statements = (settings: Record<string, string>) =>
    new PreparedStatements(
      { driver: { master: pool } } as unknown as DataSource,
      loadConfig(testEnv(settings)) as AppConfig,
    );
  const preparedHere = async () =>
    (
      await pool.query<{ name: string; statement: string }>(
        'SELECT name, statement FROM pg_prepared_statements',
      )
    ).rows;

  it('prepares a statement once per connection under one name, and answers like a plain query', async () => {
    const s = statements({});
    await expect(s.query(text, [41, 'a'])).resolves.toEqual({
      rows: [{ n: 42, label: 'a' }],
      rowCount: 1,
    });
    await expect(s.query(text, [1, 'b'])).resolves.toEqual({
      rows: [{ n: 2, label: 'b' }],
      rowCount: 1,
    });
    const prepared = (await preparedHere()).filter((p) => p.statement === text);
    expect(prepared).toHaveLength(1);
    expect(prepared[0].name).toMatch(/^assay_[0-9a-f]{24}$/);
    // Another text, another name; the same text from another instance, the same name.
    await statements({}).query(`${text} -- other`, [0, 'c']);
    await statements({}).query(text, [2, 'd']);
    const names = (await preparedHere()).map((p) => p.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toHaveLength(2);
  });

  it('sends them unnamed with DATABASE_PREPARED_STATEMENTS=false (PgBouncer in transaction mode)', async () => {
    await pool.query('DEALLOCATE ALL');
    const s = statements({ DATABASE_PREPARED_STATEMENTS: 'false' });
    await expect(s.query(text, [9, 'e'])).resolves.toEqual({
      rows: [{ n: 10, label: 'e' }],
      rowCount: 1,
    });
    expect(await preparedHere()).toEqual([]);
  });

  it('refuses a setting that is not a boolean, naming it', () => {
    expect(() => loadConfig(testEnv({ DATABASE_PREPARED_STATEMENTS: 'sometimes' }))).toThrow(
      /DATABASE_PREPARED_STATEMENTS/,
    );
  });
});
