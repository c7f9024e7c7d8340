/**
 * A bench's own app entry as a child process (e.g. dist/bench/providers/bench-app.main.js:
 * createApp with bench-only modules), which reports to the bench in `{"bench":"<what>",...}`
 * lines — `{"bench":"listening","port":…}` once it serves.
 */
import { sleep } from './common';
import { NodeChild } from './node-child';

export class BenchChild extends NodeChild {
  /** Its `{"bench":...}` lines. */
  readonly lines: string[] = [];
  /** Lines at log level warn or above, or not JSON (a stack trace, a Node warning). */
  warnings = 0;
  port = 0;

  constructor(
    script: string,
    cwd: string,
    readonly name: string,
    childEnv: Record<string, string>,
  ) {
    super(script, cwd, childEnv);
  }

  get pid(): number {
    return this.proc.pid!;
  }

  protected override onLine(line: string): void {
    if (line.startsWith('{"bench"')) this.lines.push(line);
    else if (/"level":(4|5|6)\d/.test(line) || !line.startsWith('{')) this.warnings++;
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
