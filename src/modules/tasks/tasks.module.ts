import { DynamicModule, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CancelBus } from './engine/cancel-bus';
import { TaskEndBus } from './engine/task-end-bus';
import { TaskLifecycle } from './engine/task-lifecycle';
import { TaskQueues } from './engine/task-queues';
import { TaskRegistry } from './engine/task-registry';
import { LeaseKeeper } from './engine/lease-keeper';
import { TaskRunner } from './engine/task-runner';
import { TaskEntity } from './task.entity';
import { TasksController } from './tasks.controller';
import { TasksRepository } from './tasks.repository';
import { TasksService } from './tasks.service';
import { TaskEstimates } from './submission/task-estimates';
import { TaskPayloads } from './submission/task-payloads';
import { TaskSubmission } from './submission/task-submission';
import { TaskWait } from './submission/task-wait';

/**
 * The task engine. Feature modules add task types by declaring a @TaskType provider; the engine
 * finds them at boot. `api` mounts the HTTP API; `worker` starts the queue workers.
 */
@Module({})
export class TasksModule {
  static forRoot(opts: { api: boolean; worker: boolean }): DynamicModule {
    return {
      module: TasksModule,
      global: true,
      imports: [DiscoveryModule, TypeOrmModule.forFeature([TaskEntity])],
      controllers: opts.api ? [TasksController] : [],
      providers: [
        TaskRegistry,
        TaskQueues,
        TaskLifecycle,
        CancelBus,
        TaskEndBus,
        TasksRepository,
        TaskPayloads,
        TaskEstimates,
        TaskWait,
        TaskSubmission,
        TasksService,
        ...(opts.worker ? [TaskRunner, LeaseKeeper] : []),
      ],
      exports: [TaskRegistry, TaskQueues, TasksRepository, TasksService, TaskLifecycle],
    };
  }
}
