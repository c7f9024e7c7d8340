/**
 * A bench's child process (`node <script>`): its output read line by line, the last lines kept
 * for error messages, stopped with SIGTERM (SIGKILL 15 s later).
 */
import { ChildProcess, spawn } from 'node:child_process';
import { NODE_FLAGS } from '../../src/common/startup/node-flags';
import { sleep } from './common';

/** The children still running (the bench stops them at clean-up). */
export const running = new Set<NodeChild>();

export class NodeChild {
  readonly proc: ChildProcess;
  /** The last 30 lines of its stdout and stderr (400 characters each). */
  readonly tail: string[] = [];
  readonly exited: Promise<number | null>;
  exitCode: number | null | undefined = undefined;

  constructor(script: string, cwd: string, env: NodeJS.ProcessEnv) {
    // Started as `npm start` starts the app (same Node flags).
    this.proc = spawn(process.execPath, [...NODE_FLAGS, script], {
      cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    running.add(this);
    let buffered = '';
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString();
      const parts = buffered.split('\n');
      buffered = parts.pop() ?? '';
      for (const line of parts) {
        if (!line.trim()) continue;
        this.onLine(line);
        this.tail.push(line.slice(0, 400));
        if (this.tail.length > 30) this.tail.shift();
      }
    };
    this.proc.stdout!.on('data', onData);
    this.proc.stderr!.on('data', onData);
    this.exited = new Promise((r) =>
      this.proc.once('exit', (code) => {
        this.exitCode = code;
        running.delete(this);
        r(code);
      }),
    );
  }

  /** Each non-empty line of its output, as it arrives. */
  protected onLine(_line: string): void {}

  async stop(): Promise<void> {
    if (this.exitCode !== undefined) return;
    this.proc.kill('SIGTERM');
    const late = await Promise.race([
      this.exited.then(() => false),
      sleep(15_000).then(() => true),
    ]);
    if (late && this.exitCode === undefined) {
      this.proc.kill('SIGKILL');
      await this.exited;
    }
  }
}
