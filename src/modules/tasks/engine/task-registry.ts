import { Injectable, Logger, OnModuleInit, Scope } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { ResolvedTaskType, TaskHandler, TaskType, TaskTypeOptions } from './task-type.decorator';

const NAME_RE = /^[a-z][a-z0-9_]{1,63}$/;

/** Finds every @TaskType class once at boot and refuses to start on a broken declaration. */
@Injectable()
export class TaskRegistry implements OnModuleInit {
  private readonly logger = new Logger(TaskRegistry.name);
  private readonly types = new Map<string, ResolvedTaskType<any>>();

  constructor(private readonly discovery: DiscoveryService) {}

  onModuleInit(): void {
    const wrappers = this.discovery.getProviders({ metadataKey: TaskType.KEY });
    const owners = new Map<string, string>();
    for (const wrapper of wrappers) {
      const opts = this.discovery.getMetadataByDecorator(TaskType, wrapper) as
        TaskTypeOptions<any> | undefined;
      const cls = wrapper.metatype?.name ?? String(wrapper.token);
      if (!opts?.name || !opts.input) {
        throw new Error(
          `@TaskType on ${cls} needs at least { name, input }: name is the URL name of the task, input the DTO class that validates its payload.`,
        );
      }
      if (!NAME_RE.test(opts.name)) {
        throw new Error(
          `@TaskType name "${opts.name}" on ${cls} must be snake_case (a-z, 0-9, _), 2–64 characters.`,
        );
      }
      if (
        wrapper.scope === Scope.REQUEST ||
        wrapper.scope === Scope.TRANSIENT ||
        !wrapper.isDependencyTreeStatic()
      ) {
        throw new Error(
          `Task type "${opts.name}" (${cls}) must be a singleton provider: remove the request/transient scope from it and its dependencies.`,
        );
      }
      if (owners.has(opts.name)) {
        throw new Error(
          `Task type "${opts.name}" is declared twice (${owners.get(opts.name)} and ${cls}). Rename one of them: task names are unique.`,
        );
      }
      const handler = wrapper.instance as TaskHandler<any> | undefined;
      if (!handler || typeof handler.run !== 'function') {
        throw new Error(
          `Task type "${opts.name}" (${cls}) has no handler: implement TaskHandler, i.e. an async run(ctx) method.`,
        );
      }
      owners.set(opts.name, cls);
      this.types.set(opts.name, {
        name: opts.name,
        input: opts.input,
        queue: opts.queue ?? opts.name,
        priority: opts.priority,
        concurrency: opts.concurrency ?? 5,
        maxAttempts: opts.maxAttempts ?? 3,
        timeoutMs: opts.timeoutMs ?? 15 * 60_000,
        scope: opts.scope,
        entities: opts.entities,
        description: opts.description,
        enrichmentType: opts.enrichmentType,
        callbackPages: opts.callbackPages,
        seedInput: opts.seedInput,
        callbackSource: opts.callbackSource,
        progressCallbacks: opts.progressCallbacks,
        callbackStreams: opts.callbackStreams,
        streamOutcomes: opts.streamOutcomes,
        timeoutFor: opts.timeoutFor,
        summarize: opts.summarize,
        handler,
      });
    }
    this.logger.log(`task types: ${[...this.types.keys()].sort().join(', ') || '(none)'}`);
  }

  get(name: string): ResolvedTaskType<any> | undefined {
    return this.types.get(name);
  }

  names(): string[] {
    return [...this.types.keys()].sort();
  }

  all(): ResolvedTaskType<any>[] {
    return [...this.types.values()];
  }

  /** Queue name → the largest concurrency declared by the task types on it. */
  queues(): Map<string, number> {
    const out = new Map<string, number>();
    for (const t of this.types.values()) {
      out.set(t.queue, Math.max(out.get(t.queue) ?? 0, t.concurrency));
    }
    return out;
  }
}
