/**
 * Child process of `npm run test:chaos` (dist/bench/chaos/chaos-app.main.js): the real application,
 * started exactly as `node dist/src/main.js` starts it (dependency checks, migrations when
 * DATABASE_MIGRATIONS_RUN, createApp, listen; the role from ASSAY_ROLE), plus the paid-provider
 * task type of the framework tests — `provider_probe` (test/providers/support/probe.task.ts) —
 * and two providers of the tests' stub vendor adapter (test/providers/support/stub.provider.ts):
 *
 *   chaos_cached  shared response cache (1 h), like a normal vendor
 *   chaos_nottl   no shared cache (TTL 0): a retry relies on the task's own cache entry
 *
 * Each is configured by <ID>_BASE_URL / <ID>_API_KEY (the harness points both at its vendor
 * stub). Nothing here changes the product: the modules are passed to createApp like any plugin.
 * Prints one JSON line `{"chaos":"listening","port":…,"pid":…}` once it serves.
 */
import 'reflect-metadata';
import { createApp } from '../../src/bootstrap';
import { loadConfig } from '../../src/common/config/app.config';
import { ensureDatabase, ensureRedis } from '../../src/common/startup/dependencies';
import { runMigrations } from '../../src/database/migrate';
import { ProbeTaskModule } from '../../test/providers/support/probe.task';
import { stubProvider, StubProvidersModule } from '../../test/providers/support/stub.provider';
import { CHAOS_PROVIDERS } from './shared';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  await Promise.all([ensureDatabase(config), ensureRedis(config)]);
  if (config.DATABASE_MIGRATIONS_RUN) await runMigrations(config);
  const app = await createApp(config, [
    StubProvidersModule.with(...CHAOS_PROVIDERS.map((m) => stubProvider({ ...m }))),
    ProbeTaskModule,
  ]);
  await app.listen(config.PORT, config.HOST);
  const { port } = app.getHttpServer().address() as { port: number };
  console.log(JSON.stringify({ chaos: 'listening', port, pid: process.pid }));
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exit(1);
  });
}
