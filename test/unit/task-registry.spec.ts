import { Inject, Injectable, Scope, Type } from '@nestjs/common';
import { DiscoveryModule, REQUEST } from '@nestjs/core';
import { Test, TestingModule } from '@nestjs/testing';
import { IsOptional, IsString } from 'class-validator';
import { TaskRegistry } from '../../src/modules/tasks/engine/task-registry';
import { TaskHandler, TaskType } from '../../src/modules/tasks/engine/task-type.decorator';

class Input {
  @IsOptional()
  @IsString()
  domain?: string;
}

@TaskType({ name: 'enrich_company', input: Input, description: 'Finds company facts' })
class EnrichCompanyTask implements TaskHandler<Input> {
  async run() {
    return { ok: true };
  }
}

@TaskType({ name: 'dup_name', input: Input })
class FirstDuplicate implements TaskHandler<Input> {
  async run() {
    return 1;
  }
}

@TaskType({ name: 'dup_name', input: Input })
class SecondDuplicate implements TaskHandler<Input> {
  async run() {
    return 2;
  }
}

@TaskType({ name: 'no_handler', input: Input })
class NoRunMethod {}

@Injectable({ scope: Scope.REQUEST })
@TaskType({ name: 'per_request', input: Input })
class RequestScopedTask implements TaskHandler<Input> {
  async run() {
    return null;
  }
}

@Injectable()
@TaskType({ name: 'needs_request', input: Input })
class DependsOnRequest implements TaskHandler<Input> {
  constructor(@Inject(REQUEST) readonly req: unknown) {}
  async run() {
    return null;
  }
}

@TaskType({ name: 'Bad-Name', input: Input })
class BadNameTask implements TaskHandler<Input> {
  async run() {
    return null;
  }
}

@TaskType({ name: 'no_input' } as never)
class NoInputTask implements TaskHandler<Input> {
  async run() {
    return null;
  }
}

@TaskType({
  name: 'fast_lane',
  input: Input,
  queue: 'shared',
  concurrency: 2,
  maxAttempts: 1,
  timeoutMs: 5000,
  priority: 1,
})
class FastLaneTask implements TaskHandler<Input> {
  async run() {
    return null;
  }
}

@TaskType({ name: 'slow_lane', input: Input, queue: 'shared', concurrency: 7 })
class SlowLaneTask implements TaskHandler<Input> {
  async run() {
    return null;
  }
}

/** A module with the registry and these providers (not initialised yet). */
function compile(...providers: Type[]): Promise<TestingModule> {
  return Test.createTestingModule({
    imports: [DiscoveryModule],
    providers: [TaskRegistry, ...providers],
  })
    .setLogger({ log() {}, error() {}, warn() {} })
    .compile();
}

/** init() runs the registry's discovery, as application start-up does. */
async function boot(...providers: Type[]): Promise<TestingModule> {
  return (await compile(...providers)).init();
}

/** The message start-up fails with. */
async function bootError(...providers: Type[]): Promise<string> {
  const mod = await compile(...providers);
  try {
    await mod.init();
  } catch (err) {
    return (err as Error).message;
  } finally {
    await mod.close();
  }
  throw new Error('the registry accepted the declaration');
}

describe('TaskRegistry', () => {
  it('finds a @TaskType provider with its defaults filled in', async () => {
    const mod = await boot(EnrichCompanyTask);
    try {
      const registry = mod.get(TaskRegistry);
      expect(registry.names()).toEqual(['enrich_company']);
      const type = registry.get('enrich_company');
      expect(type).toMatchObject({
        name: 'enrich_company',
        input: Input,
        queue: 'enrich_company',
        concurrency: 5,
        maxAttempts: 3,
        timeoutMs: 15 * 60_000,
        description: 'Finds company facts',
      });
      expect(type?.priority).toBeUndefined();
      expect(type?.handler).toBe(mod.get(EnrichCompanyTask));
      expect(registry.get('nope')).toBeUndefined();
      expect([...registry.queues()]).toEqual([['enrich_company', 5]]);
    } finally {
      await mod.close();
    }
  });

  it('keeps declared options; task types sharing a queue get its largest concurrency', async () => {
    const mod = await boot(FastLaneTask, SlowLaneTask);
    try {
      const registry = mod.get(TaskRegistry);
      expect(registry.get('fast_lane')).toMatchObject({
        queue: 'shared',
        concurrency: 2,
        maxAttempts: 1,
        timeoutMs: 5000,
        priority: 1,
      });
      expect([...registry.queues()]).toEqual([['shared', 7]]);
    } finally {
      await mod.close();
    }
  });

  it('refuses two task types with the same name, naming both classes', async () => {
    const message = await bootError(FirstDuplicate, SecondDuplicate);
    expect(message).toMatch(/"dup_name"/);
    expect(message).toContain('FirstDuplicate');
    expect(message).toContain('SecondDuplicate');
  });

  it('refuses a task type without run(), saying what to implement', async () => {
    const message = await bootError(NoRunMethod);
    expect(message).toContain('NoRunMethod');
    expect(message).toMatch(/run\(ctx\)/);
  });

  it('refuses a request-scoped task type', async () => {
    const message = await bootError(RequestScopedTask);
    expect(message).toContain('RequestScopedTask');
    expect(message).toMatch(/singleton/);
  });

  it('refuses a task type that depends on the request', async () => {
    const message = await bootError(DependsOnRequest);
    expect(message).toContain('DependsOnRequest');
    expect(message).toMatch(/singleton/);
  });

  it('refuses a name that cannot be a URL segment, and a declaration without input', async () => {
    expect(await bootError(BadNameTask)).toMatch(/"Bad-Name".*snake_case/);
    expect(await bootError(NoInputTask)).toMatch(/NoInputTask needs at least \{ name, input \}/);
  });
});
