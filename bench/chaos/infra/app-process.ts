/** The app's OS processes in a chaos run, each one's output in the run's logs/<name>.log. */
import { ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, createWriteStream, WriteStream } from 'node:fs';
import { join } from 'node:path';
import { sleep } from '../../support/common';
import { LISTENING } from '../shared';

/** One Assay process (dist/bench/chaos/chaos-app.main.js), its output appended to logs/<name>.log. */
export class AppProcess {
  readonly proc: ChildProcess;
  readonly exited: Promise<void>;
  readonly startedAt = Date.now();
  exit?: { code: number | null; signal: NodeJS.Signals | null };
  /** We killed or stopped it (an exit we did not ask for is reported). */
  expectedExit = false;
  port = 0;
  readyAt = 0;
  private tail: string[] = [];
  private listening?: (port: number) => void;
  private readonly log: WriteStream;

  constructor(
    readonly name: string,
    script: string,
    env: Record<string, string>,
    runDir: string,
  ) {
    this.log = createWriteStream(join(runDir, 'logs', `${name}.log`), { flags: 'a' });
    this.proc = spawn(process.execPath, [script], {
      cwd: join(runDir, 'cwd'),
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    appendFileSync(join(runDir, 'pids'), `${this.proc.pid} ${name}\n`);
    let buffered = '';
    const onData = (chunk: Buffer) => {
      this.log.write(chunk);
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        if (!line) continue;
        this.tail.push(line.slice(0, 500));
        if (this.tail.length > 40) this.tail.shift();
        if (line.startsWith(LISTENING)) {
          try {
            this.listening?.((JSON.parse(line) as { port: number }).port);
          } catch {
            /* not our line after all */
          }
        }
      }
    };
    this.proc.stdout!.on('data', onData);
    this.proc.stderr!.on('data', onData);
    this.exited = new Promise((r) =>
      this.proc.once('close', (code, signal) => {
        this.exit = { code, signal };
        this.log.end();
        r();
      }),
    );
  }

  get pid(): number {
    return this.proc.pid ?? 0;
  }

  get running(): boolean {
    return this.exit === undefined;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  output(): string {
    return this.tail.join('\n');
  }

  /** Resolves once the process says it listens (it has booted: checks, migrations, workers). */
  ready(timeoutMs = 120_000): Promise<this> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(new Error(`${this.name} did not start within ${timeoutMs} ms:\n${this.output()}`)),
        timeoutMs,
      );
      this.listening = (port) => {
        clearTimeout(timer);
        this.port = port;
        this.readyAt = Date.now();
        resolve(this);
      };
      void this.exited.then(() => {
        clearTimeout(timer);
        reject(
          new Error(
            `${this.name} exited during start-up (${JSON.stringify(this.exit)}):\n${this.output()}`,
          ),
        );
      });
    });
  }

  /** SIGKILL: the process dies at once, like a crash or an OOM kill. */
  async kill(): Promise<void> {
    this.expectedExit = true;
    if (this.running) this.proc.kill('SIGKILL');
    await this.exited;
  }

  /** SIGTERM (graceful shutdown), SIGKILL after `graceMs`. */
  async stop(graceMs = 10_000): Promise<void> {
    this.expectedExit = true;
    if (!this.running) return;
    this.proc.kill('SIGTERM');
    const late = await Promise.race([
      this.exited.then(() => false),
      sleep(graceMs).then(() => true),
    ]);
    if (late) await this.kill();
  }
}
