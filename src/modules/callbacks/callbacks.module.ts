import { DynamicModule, Global, Module } from '@nestjs/common';
import { TaskCallbacks } from '../tasks/engine/task-callbacks';
import { CallbackCredentials } from './callback-credentials';
import { CallbackDeliveryService } from './callback-delivery.service';
import { CallbackOutbox } from './callback-outbox.service';
import { CallbackQueue } from './callback-queue';
import { CallbackSettings } from './callback-settings';
import { CallbacksController } from './callbacks.controller';
import { CallbacksProcessor } from './callbacks.processor';
import { CallbacksRepository } from './callbacks.repository';
import { CallbacksService } from './callbacks.service';

/**
 * Signed, retried, re-deliverable task callbacks (docs/callbacks.md). Provides the engine's
 * TaskCallbacks (the outbox); `api` mounts /api/v1/callbacks; `worker` runs the relay.
 */
@Global()
@Module({})
export class CallbacksModule {
  static forRoot(opts: { api: boolean; worker: boolean }): DynamicModule {
    return {
      module: CallbacksModule,
      controllers: opts.api ? [CallbacksController] : [],
      providers: [
        CallbackSettings,
        CallbackCredentials,
        CallbacksRepository,
        CallbackQueue,
        CallbackOutbox,
        { provide: TaskCallbacks, useExisting: CallbackOutbox },
        CallbacksService,
        CallbackDeliveryService,
        ...(opts.worker ? [CallbacksProcessor] : []),
      ],
      exports: [TaskCallbacks, CallbackOutbox, CallbackQueue],
    };
  }
}
