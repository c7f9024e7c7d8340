import { rmSync } from 'node:fs';
import { Client } from 'pg';
import { ADMIN_DATABASE_URL, REDIS_URL } from './env';
import { deleteRedisKeys } from './net';

export default async function globalTeardown(): Promise<void> {
  const db = process.env.ASSAY_TEST_DATABASE;
  if (db) {
    const admin = new Client({ connectionString: ADMIN_DATABASE_URL });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${db}" WITH (FORCE)`);
    // Suites that need a database of their own name it `<db>_<suite>` (see test/e2e/sweeps-harness.ts);
    // they drop it themselves, this catches one left by a crashed run.
    const own = await admin.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE starts_with(datname, $1)`,
      [`${db}_`],
    );
    for (const { datname } of own.rows) {
      await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    }
    await admin.end();
  }
  const audio = process.env.ASSAY_TEST_AUDIO_DIR;
  if (audio) rmSync(audio, { recursive: true, force: true });
  const prefix = process.env.ASSAY_TEST_REDIS_PREFIX;
  if (prefix) {
    await deleteRedisKeys(REDIS_URL, prefix);
  }
}
