import 'reflect-metadata';
import { DynamicModule, Logger as NestLogger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { developmentKey } from './common/auth/dev-key';
import { AppConfig, loadConfig, loadDotEnv } from './common/config/app.config';
import { processLogger, QuietBootLogger } from './common/logging/nest-loggers';
import { ensureDatabase, ensureRedis } from './common/startup/dependencies';
import { applyHeapGrowth } from './common/startup/heap';
import { setupHttp } from './setup-http';
import { runMigrations } from './database/migrate';
import { providerEnvProblems } from './providers/provider-modules';

export async function createApp(
  config: AppConfig,
  extraModules: DynamicModule['imports'] = [],
): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.forRoot(config, extraModules),
    {
      bufferLogs: true,
      bodyParser: false,
    },
  );
  app.useLogger(new QuietBootLogger(app.get(Logger)));
  // Exit 0 after a clean shutdown (the default re-raises the signal, so the exit looks like a crash).
  app.enableShutdownHooks([], { useProcessExit: true });
  try {
    const afterInit = setupHttp(app, config);
    await app.init();
    afterInit();
    return app;
  } catch (err) {
    // Close what was opened (Redis, Postgres, workers) so a failed start does not hang the process.
    await app.close().catch(() => undefined);
    throw err;
  }
}

export async function main(): Promise<void> {
  loadDotEnv();
  // Every invalid setting in one error, the providers' <ID>_* variables included.
  const config = loadConfig(process.env, { checks: [(env) => providerEnvProblems(env)] });
  if (config.ASSAY_ROLE === 'worker') applyHeapGrowth(config.WORKER_HEAP_GROWING_PERCENT);
  // Until the application's logger exists (migrations, start-up checks), Nest's static logger
  // writes the same JSON lines.
  NestLogger.overrideLogger(processLogger(config));
  if (config.ASSAY_AUTH.includes('api_key') && config.ASSAY_API_KEYS.length === 0) {
    // A laptop's first run works without setup, and its key survives restarts; production
    // refuses to start without keys.
    const dev = developmentKey();
    config.ASSAY_API_KEYS = [dev.key];
    console.warn(
      `ASSAY_API_KEYS is not set: using the development key in ${dev.path} ` +
        `(${dev.created ? 'created now' : 'kept from an earlier run'}):\n  ${dev.key}\n` +
        '  Set ASSAY_API_KEYS (comma-separated) in the environment or .env to use your own.',
    );
  }
  await Promise.all([ensureDatabase(config), ensureRedis(config)]);
  if (config.DATABASE_MIGRATIONS_RUN) await runMigrations(config);

  const app = await createApp(config);
  await app.listen(config.PORT, config.HOST);
  // The bound port, which differs from config.PORT when that is 0 (any free port).
  const port = (app.getHttpServer().address() as { port?: number } | null)?.port ?? config.PORT;
  new NestLogger('Assay').log(
    `role=${config.ASSAY_ROLE} listening on http://${config.HOST}:${port}` +
      (config.ASSAY_ROLE !== 'worker' && config.DOCS_ENABLED ? ' (docs at /docs)' : ''),
  );
}
