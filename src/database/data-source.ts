import 'reflect-metadata';
import { join } from 'node:path';
import { DataSource, DataSourceOptions } from 'typeorm';
import { AppConfig } from '../common/config/app.config';

/** The one TypeORM data source definition: used by the app, the migration command and tests. */
export function dataSourceOptions(config: AppConfig): DataSourceOptions {
  return {
    type: 'postgres',
    url: config.DATABASE_URL,
    // Compiled entities and migrations (dist/...), or the .ts sources under ts-jest / swc.
    entities: [join(__dirname, '..', '{modules,providers}', '**', '*.entity.{js,ts}')],
    migrations: [join(__dirname, '..', '..', 'migrations', '*.{js,ts}')],
    migrationsTableName: 'migrations',
    synchronize: false,
    migrationsRun: false,
    extra: {
      max: config.DATABASE_POOL_SIZE,
      connectionTimeoutMillis: config.STARTUP_CONNECT_TIMEOUT_MS,
    },
  };
}

export function createDataSource(config: AppConfig): DataSource {
  return new DataSource(dataSourceOptions(config));
}
