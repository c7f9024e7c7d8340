import { Controller, Get, Inject, UseGuards } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import {
  HealthCheck,
  HealthCheckService,
  HealthIndicatorService,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import Redis from 'ioredis';
import { REDIS } from '../../common/redis/redis.module';
import { BREAKER_STATE_NAMES, ProviderRegistry } from '../../providers/core/provider-registry';
import { TaskQueues } from '../tasks/engine/task-queues';
import { OpsGuard } from '../../common/auth/ops.guard';

const TIMEOUT_MS = 2000;

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p,
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

@ApiTags('operations')
@UseGuards(OpsGuard)
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    private readonly indicator: HealthIndicatorService,
    private readonly queues: TaskQueues,
    @Inject(REDIS) private readonly redis: Redis,
    private readonly providers: ProviderRegistry,
  ) {}

  @Get()
  @ApiOperation({
    operationId: 'getLiveness',
    summary: 'Liveness: the process is up (no dependency is called)',
  })
  @ApiOkResponse({
    schema: { type: 'object', properties: { status: { type: 'string', example: 'healthy' } } },
  })
  live(): { status: string } {
    return { status: 'healthy' };
  }

  @Get('ready')
  @HealthCheck()
  @ApiOperation({
    operationId: 'getReadiness',
    summary:
      'Readiness: PostgreSQL, Redis and the task queues, each with a timeout; provider breaker states as detail',
  })
  @ApiOkResponse({ description: 'Every dependency is up' })
  @ApiServiceUnavailableResponse({
    description: 'At least one dependency is down; `error` and `details` say which',
  })
  ready() {
    return this.health.check([
      () => this.db.pingCheck('postgres', { timeout: TIMEOUT_MS }),
      async () => {
        const i = this.indicator.check('redis');
        try {
          const pong = await withTimeout(this.redis.ping(), TIMEOUT_MS, 'Redis');
          return i.up({ response: pong });
        } catch (err) {
          return i.down({ message: (err as Error).message });
        }
      },
      async () => {
        const i = this.indicator.check('queues');
        try {
          const counts: Record<string, Record<string, number>> = {};
          await withTimeout(
            Promise.all(
              this.queues.allQueues().map(async (q) => {
                counts[q.name] = await q.getJobCounts('waiting', 'active', 'delayed', 'failed');
              }),
            ),
            TIMEOUT_MS,
            'queue counts',
          );
          return i.up(counts);
        } catch (err) {
          return i.down({ message: (err as Error).message });
        }
      },
      // Breaker states from memory: no vendor is called (calls cost money). An open breaker
      // degrades one provider, not the service, so this indicator is always up.
      () => {
        const breakers = Object.fromEntries(
          this.providers.all().map((p) => [p.meta.id, BREAKER_STATE_NAMES[p.breaker.state]]),
        );
        return this.indicator.check('providers').up({ breakers });
      },
    ]);
  }
}
