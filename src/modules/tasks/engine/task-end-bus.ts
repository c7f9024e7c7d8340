import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationShutdown,
} from '@nestjs/common';
import Redis, { RedisOptions } from 'ioredis';
import { AppConfig } from '../../../common/config/app.config';
import { REDIS } from '../../../common/redis/redis.module';
import { redisOptions } from '../../../common/redis/redis.options';
import { TurnBatch } from '../../../common/turn-batch';

/** How long a first SUBSCRIBE may take before a waiter falls back to polling alone. */
const SUBSCRIBE_TIMEOUT_MS = 1000;

/** A watch on one task's end: `next(ms)` resolves early when the task is announced as ended. */
export interface TaskEndWatch {
  /** Whether announcements reach this process now (else the caller should poll more often). */
  live(): boolean;
  /** The process is shutting down: stop waiting. */
  stopped(): boolean;
  /** Resolves after `ms`, or at once when an announcement arrived since the last call. */
  next(ms: number): Promise<void>;
  close(): void;
}

/**
 * Announces every task end on a Redis channel, so that a request waiting for a task (`?wait=`)
 * answers as soon as the task ends, whichever process ran it. The announcement is a hint: the
 * waiter reads the task from PostgreSQL, and polls (slowly) in case a message is lost.
 */
@Injectable()
export class TaskEndBus implements BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger(TaskEndBus.name);
  private subscriber?: Redis;
  private subscribing?: Promise<void>;
  private ready = false;
  private stopped = false;
  private readonly waiters = new Map<string, Set<() => void>>();

  constructor(
    private readonly config: AppConfig,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  private get channel(): string {
    return `${this.config.REDIS_PREFIX}:task-end`;
  }

  /**
   * Announces that a task ended. Never throws: a lost announcement only delays a waiter. The ends
   * of one turn of the event loop go out as one message (ids separated by commas): a PUBLISH per
   * task was a noticeable share of a busy worker's CPU and of Redis's.
   */
  publish(taskId: string): void {
    this.ends.add(taskId);
  }

  private readonly ends = new TurnBatch<string>((ids) => {
    this.redis
      .publish(this.channel, ids.join(','))
      .catch((err: Error) =>
        this.logger.debug(`end of ${ids.length} task(s) not announced: ${err.message}`),
      );
  });

  /** Starts listening (once per process, on the first wait) and watches `taskId`. */
  async watch(taskId: string): Promise<TaskEndWatch> {
    await this.listen();
    let signalled = false;
    let wake: (() => void) | undefined;
    const onEnd = () => {
      signalled = true;
      wake?.();
    };
    let set = this.waiters.get(taskId);
    if (!set) this.waiters.set(taskId, (set = new Set()));
    set.add(onEnd);
    return {
      live: () => this.ready,
      stopped: () => this.stopped,
      next: (ms: number) => {
        if (signalled || this.stopped) {
          signalled = false;
          return Promise.resolve();
        }
        return new Promise<void>((resolve) => {
          const done = () => {
            clearTimeout(timer);
            wake = undefined;
            signalled = false;
            resolve();
          };
          const timer = setTimeout(done, Math.max(0, ms));
          wake = done;
        });
      },
      close: () => {
        wake?.();
        const waiting = this.waiters.get(taskId);
        waiting?.delete(onEnd);
        if (waiting && !waiting.size) this.waiters.delete(taskId);
      },
    };
  }

  private listen(): Promise<void> {
    this.subscribing ??= this.subscribe();
    return this.subscribing;
  }

  private async subscribe(): Promise<void> {
    const sub = new Redis(redisOptions(this.config, 'worker') as RedisOptions);
    this.subscriber = sub;
    sub.on('error', (err) => this.logger.warn(`task end channel: ${err.message}`));
    sub.on('close', () => (this.ready = false));
    // After a reconnect ioredis subscribes again by itself (autoResubscribe).
    sub.on('ready', () => (this.ready = true));
    sub.on('message', (_channel: string, ids: string) => {
      for (const taskId of ids.split(','))
        for (const onEnd of this.waiters.get(taskId) ?? []) onEnd();
    });
    const subscribed = sub.subscribe(this.channel).then(
      () => {
        this.ready = true;
      },
      (err: Error) => this.logger.warn(`task end channel not subscribed: ${err.message}`),
    );
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      subscribed,
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, SUBSCRIBE_TIMEOUT_MS);
      }),
    ]);
    clearTimeout(timer);
  }

  /** Waiting requests answer now (their task is still running: 202), before the server closes. */
  beforeApplicationShutdown(): void {
    this.stopped = true;
    for (const set of this.waiters.values()) for (const onEnd of set) onEnd();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscriber?.quit().catch(() => this.subscriber?.disconnect());
  }
}
