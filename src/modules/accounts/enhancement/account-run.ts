import type { TaskContext } from '../../tasks/engine/task-context';
import type { AccountError, SourceStep } from './enhancement.types';

/** Where an account's progress is reported: account `index` (0-based) of `total`. */
export interface ProgressSlot {
  index: number;
  total: number;
}

/**
 * The account's stages and where each reports, as the seed did for account i of n (A2.1): the
 * progress callbacks at int((i − f) / n · 100) for these f, in this order (the LinkedIn one
 * carries the early partial result). Stages with `callback: false` only update the status.
 */
export const STAGES = {
  reading_site: { f: 0.9, callback: true },
  extracting: { f: 0.85, callback: false },
  linkedin_url: { f: 0.8, callback: true },
  vendors: { f: 0.7, callback: true },
  structuring: { f: 0.5, callback: true },
  summarising: { f: 0.4, callback: true },
  market_intel: { f: 0.2, callback: true },
  storing: { f: 0.1, callback: false },
} as const;
export type Stage = keyof typeof STAGES;

/** The seed's percentage of account `index` (0-based) of `total` at fraction f before its end. */
export function seedAccountPercent(index: number, total: number, f = 0): number {
  // The same float operations as the seed's int((i - f) / n * 100), so the same integers.
  return Math.trunc(((index + 1 - f) / total) * 100);
}

/**
 * One account's run inside its task: the stages' checkpoint names and progress reports for its
 * slot, and the steps and errors the stages record (in stage order) for the result.
 */
export interface AccountRun {
  ctx: TaskContext<unknown>;
  /** The checkpoint (and call scope) name of a stage of this account: `<name>:<index>`. */
  cp(name: string): string;
  progress(
    stage: Stage,
    message: string,
    extra?: { data?: Record<string, unknown>; partial?: boolean },
  ): Promise<void>;
  sources: SourceStep[];
  errors: AccountError[];
}

export function startAccountRun(ctx: TaskContext<unknown>, slot: ProgressSlot): AccountRun {
  return {
    ctx,
    cp: (name) => `${name}:${slot.index}`,
    progress: (stage, message, extra = {}) =>
      ctx.progress(
        stage,
        seedAccountPercent(slot.index, slot.total, STAGES[stage].f),
        slot.total > 1 ? `account ${slot.index + 1}/${slot.total}: ${message}` : message,
        { ...extra, ...(STAGES[stage].callback ? { stream: slot.index } : {}) },
      ),
    sources: [],
    errors: [],
  };
}
