/**
 * Assay as an OS process of a bench: `node dist/src/main.js` with the bench's environment (its
 * role from ASSAY_ROLE) on `port`, ready once GET /health answers. The bench's load and polling never share
 * an event loop with the code they measure.
 */
import { join, resolve } from 'node:path';
import { sleep } from './common';
import { NodeChild } from './node-child';

/** The repository (this file is dist/bench/support/app-process.js once built). */
export const ROOT = resolve(__dirname, '..', '..', '..');
export const MAIN = join(ROOT, 'dist', 'src', 'main.js');

export class AppProcess extends NodeChild {
  constructor(
    readonly role: 'api' | 'worker',
    readonly port: number,
    env: NodeJS.ProcessEnv,
  ) {
    super(MAIN, ROOT, { ...env, PORT: String(port) });
  }

  get pid(): number {
    return this.proc.pid!;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Resolves once /health answers 200; fails at once if the process exits first. */
  async ready(timeoutMs = 60_000): Promise<this> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      if (this.exitCode !== undefined) {
        throw new Error(
          `${this.role} exited (${this.exitCode}) at start:\n${this.tail.join('\n')}`,
        );
      }
      try {
        const res = await fetch(`${this.url}/health`);
        if (res.ok) return this;
      } catch {
        /* not listening yet */
      }
      if (Date.now() > until)
        throw new Error(`${this.role} did not start:\n${this.tail.join('\n')}`);
      await sleep(100);
    }
  }
}
