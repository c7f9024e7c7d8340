import { Logger } from '@nestjs/common';
import { AppConfig, loadConfig, loadDotEnv } from '../common/config/app.config';
import { ensureDatabase } from '../common/startup/dependencies';
import { createDataSource } from './data-source';

/** Applies pending migrations (each in its own transaction). Used at start-up and by `npm run db:migrate`. */
export async function runMigrations(
  config: AppConfig,
  logger = new Logger('Migrations'),
): Promise<string[]> {
  const ds = createDataSource(config);
  await ds.initialize();
  try {
    const done = await ds.runMigrations({ transaction: 'each' });
    for (const m of done) logger.log(`applied ${m.name}`);
    return done.map((m) => m.name);
  } finally {
    await ds.destroy();
  }
}

if (require.main === module) {
  (async () => {
    loadDotEnv();
    const config = loadConfig(process.env, { requireApiKeys: false });
    await ensureDatabase(config);
    const applied = await runMigrations(config);
    console.log(
      applied.length ? `applied ${applied.length} migration(s)` : 'database is up to date',
    );
  })().catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
