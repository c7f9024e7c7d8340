/**
 * The app as child processes (dist/bench/providers/bench-app.main.js: createApp with the bench's
 * provider and task type), which report to the bench in `{"bench":"<what>",...}` lines.
 */
import { sleep } from '../support/common';
import { NodeChild } from '../support/node-child';
import { CHILD, ROOT } from './settings';

export class Child extends NodeChild {
  /** Its `{"bench":...}` lines. */
  readonly lines: string[] = [];
  port = 0;

  constructor(
    readonly name: string,
    childEnv: Record<string, string>,
  ) {
    super(CHILD, ROOT, childEnv);
  }

  protected override onLine(line: string): void {
    if (line.startsWith('{"bench"')) this.lines.push(line);
  }

  /** Waits for the child's `{"bench":"<what>",...}` line. */
  async message(what: string, timeoutMs: number): Promise<Record<string, any>> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const line = this.lines.find((l) => l.startsWith(`{"bench":"${what}"`));
      if (line) return JSON.parse(line) as Record<string, any>;
      if (this.exitCode !== undefined) {
        throw new Error(`${this.name} exited (${this.exitCode}):\n${this.tail.join('\n')}`);
      }
      if (Date.now() > until)
        throw new Error(`${this.name}: no "${what}" in time:\n${this.tail.join('\n')}`);
      await sleep(50);
    }
  }

  async ready(): Promise<this> {
    this.port = (await this.message('listening', 60_000)).port as number;
    return this;
  }
}
