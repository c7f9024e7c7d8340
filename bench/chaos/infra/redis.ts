/** The chaos run's own redis-server: never the shared 6379. */
import Redis from 'ioredis';
import { ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, createWriteStream, mkdirSync, WriteStream } from 'node:fs';
import { join } from 'node:path';
import { freePort, sleep } from '../../support/common';

/** redis-server of its own on 127.0.0.1:<port>, no persistence configured, data in the run dir. */
export class RedisServer {
  private proc?: ChildProcess;
  private exited?: Promise<void>;
  private readonly dir: string;
  private readonly log: WriteStream;
  port = 0;

  constructor(private readonly runDir: string) {
    this.dir = join(runDir, 'redis');
    mkdirSync(this.dir);
    this.log = createWriteStream(join(runDir, 'logs', 'redis.log'), { flags: 'a' });
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.port ||= await freePort();
    const proc = spawn(
      'redis-server',
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--dir',
        this.dir,
        '--maxmemory-policy',
        'noeviction',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    proc.stdout!.pipe(this.log, { end: false });
    proc.stderr!.pipe(this.log, { end: false });
    this.proc = proc;
    this.exited = new Promise((r) => proc.once('close', () => r()));
    proc.once('error', (e) => this.log.write(`[spawn error] ${e.message}\n`));
    appendFileSync(join(this.runDir, 'pids'), `${proc.pid} redis\n`);
    await this.ready();
  }

  async ready(timeoutMs = 20_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const r = new Redis(this.url, {
        lazyConnect: true,
        maxRetriesPerRequest: 0,
        enableOfflineQueue: false,
        retryStrategy: () => null,
        connectTimeout: 1000,
      });
      r.on('error', () => undefined);
      try {
        await r.connect();
        // LOADING while it reads its dump: not ready yet.
        if ((await r.ping()) === 'PONG') {
          r.disconnect();
          return;
        }
      } catch (err) {
        if (Date.now() > until) throw err;
      } finally {
        r.disconnect();
      }
      await sleep(25);
    }
  }

  /**
   * Stops the server. `save`: SHUTDOWN SAVE writes a snapshot that the next start loads (a
   * restart of a Redis with persistence, as production runs it); otherwise SHUTDOWN NOSAVE
   * (every queue, job and lock is gone).
   */
  async stop(save: boolean): Promise<void> {
    if (!this.proc || this.proc.exitCode !== null) return;
    const r = new Redis(this.url, { maxRetriesPerRequest: 0, retryStrategy: () => null });
    r.on('error', () => undefined);
    await r.call('SHUTDOWN', save ? 'SAVE' : 'NOSAVE').catch(() => undefined);
    r.disconnect();
    const late = await Promise.race([
      this.exited!.then(() => false),
      sleep(15_000).then(() => true),
    ]);
    if (late) {
      this.proc.kill('SIGKILL');
      await this.exited;
    }
  }

  async destroy(): Promise<void> {
    if (this.proc && this.proc.exitCode === null && this.proc.signalCode === null) {
      this.proc.kill('SIGKILL');
      await this.exited;
    }
    this.log.end();
  }
}
