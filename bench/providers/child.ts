/**
 * The app as child processes (dist/bench/providers/bench-app.main.js: createApp with the bench's
 * provider and task type), which report to the bench in `{"bench":"<what>",...}` lines.
 */
import { BenchChild } from '../support/bench-child';
import { CHILD, ROOT } from './settings';

export class Child extends BenchChild {
  constructor(name: string, childEnv: Record<string, string>) {
    super(CHILD, ROOT, name, childEnv);
  }
}
