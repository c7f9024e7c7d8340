import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { ADMIN_DATABASE_URL, databaseUrl } from './env';

/**
 * One database and one Redis key prefix per test run, so concurrent runs never collide.
 * The names travel to the test files through the environment; global-teardown removes both.
 */
export default async function globalSetup(): Promise<void> {
  const run = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const db = `assay_test_${run}`;
  const admin = new Client({ connectionString: ADMIN_DATABASE_URL, connectionTimeoutMillis: 5000 });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${db}"`);
  await admin.end();
  process.env.ASSAY_TEST_DATABASE_URL = databaseUrl(db);
  process.env.ASSAY_TEST_DATABASE = db;
  process.env.ASSAY_TEST_REDIS_PREFIX = `assay-test-${run}`;
  // Uploaded recordings (interactions) of this run: never inside the repository.
  process.env.ASSAY_TEST_AUDIO_DIR = mkdtempSync(join(tmpdir(), `assay-test-audio-${run}-`));
}
