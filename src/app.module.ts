import { BullModule } from '@nestjs/bullmq';
import {
  BeforeApplicationShutdown,
  DynamicModule,
  Injectable,
  Logger,
  Module,
  OnApplicationShutdown,
} from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthModule } from './common/auth/auth.module';
import { AppConfig } from './common/config/app.config';
import { ConfigModule } from './common/config/config.module';
import { ProblemDetailsFilter } from './common/http/problem-details.filter';
import { LoggingModule } from './common/logging/logging.module';
import { RedisModule } from './common/redis/redis.module';
import { redisOptions } from './common/redis/redis.options';
import { dataSourceOptions } from './database/data-source';
import { AccountsModule } from './modules/accounts/accounts.module';
import { ContactsModule } from './modules/contacts/contacts.module';
import { EmailsModule } from './modules/emails/emails.module';
import { CustomColumnsModule } from './modules/custom-columns/custom-columns.module';
import { LeadsModule } from './modules/leads/leads.module';
import { InteractionsModule } from './modules/interactions/interactions.module';
import { ResearchModule } from './modules/research/research.module';
import { CallbacksModule } from './modules/callbacks/callbacks.module';
import { DiagnosticModule } from './modules/diagnostic/diagnostic.module';
import { HealthModule } from './modules/health/health.module';
import { MetricsModule } from './modules/metrics/metrics.module';
import { SweepsModule } from './modules/sweeps/sweeps.module';
import { TasksModule } from './modules/tasks/tasks.module';
import { ProvidersModule } from './providers/providers.module';

/** One line when the process starts stopping (and on which signal), one when it has stopped. */
@Injectable()
class LifecycleLog implements BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger('Assay');
  beforeApplicationShutdown(signal?: string): void {
    this.logger.log(`shutting down${signal ? ` on ${signal}` : ''}`);
  }
  onApplicationShutdown(): void {
    this.logger.log('stopped');
  }
}

/**
 * The whole application, shaped by ASSAY_ROLE: `api` mounts the task API, `worker` starts the
 * queue workers; both serve /health and /metrics. Feature modules (task types) are listed here.
 */
@Module({})
export class AppModule {
  /** `extraModules`: more feature or provider modules (plugins), next to the built-in ones. */
  static forRoot(config: AppConfig, extraModules: DynamicModule['imports'] = []): DynamicModule {
    const api = config.ASSAY_ROLE !== 'worker';
    const worker = config.ASSAY_ROLE !== 'api';
    const features: DynamicModule['imports'] = [];
    if (config.DIAGNOSTIC_TASK_ENABLED) features.push(DiagnosticModule);
    features.push(AccountsModule.forRoot({ api }));
    features.push(LeadsModule.forRoot({ api }));
    features.push(ContactsModule.forRoot({ api }));
    features.push(EmailsModule.forRoot({ api }));
    features.push(CustomColumnsModule.forRoot({ api }));
    features.push(ResearchModule.forRoot({ api }));
    features.push(InteractionsModule.forRoot({ api }));
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        AuthModule,
        LoggingModule.forRoot(config),
        TypeOrmModule.forRoot({ ...dataSourceOptions(config), autoLoadEntities: false }),
        RedisModule,
        BullModule.forRoot({
          connection: redisOptions(config, 'worker'),
          prefix: config.REDIS_PREFIX,
        }),
        MetricsModule.forRoot({ enabled: config.METRICS_ENABLED }),
        HealthModule,
        TasksModule.forRoot({ api, worker }),
        CallbacksModule.forRoot({ api, worker }),
        SweepsModule.forRoot({ worker, schedule: config.SWEEPS_ENABLED }),
        ProvidersModule.forRoot({ api }),
        ...features,
        ...extraModules,
      ],
      providers: [{ provide: APP_FILTER, useClass: ProblemDetailsFilter }, LifecycleLog],
    };
  }
}
