import cliProgress from 'cli-progress';
import { CliStream, formatDuration, writeLine } from './io';

export type ProgressMode = 'auto' | 'bar' | 'plain' | 'none';

/** Counters shown beside the bar, e.g. `{ succeeded: 3, failed: 1 }`. */
export type ProgressCounts = Record<string, number>;

/**
 * Progress of a run over `total` items, written to stderr (data goes to files or stdout): a bar
 * with done/total, rate and ETA on a terminal, one plain line per item otherwise (logs, CI, pipes).
 */
export interface Progress {
  /** How it draws: `bar`, `plain` lines, or `none`. */
  readonly mode: Exclude<ProgressMode, 'auto'>;
  /** `done` items were finished before this run (resumed): they count as done, not in the rate. */
  start(total: number, done?: number): void;
  /** One item finished (`n` items: a batch of them); `line` describes it (plain mode prints it). */
  tick(line: string, counts: ProgressCounts, n?: number): void;
  /** A message that is not about one item (printed above the bar on a terminal). */
  note(line: string): void;
  stop(): void;
}

export function createProgress(stream: CliStream, mode: ProgressMode, label = 'rows'): Progress {
  const resolved = mode === 'auto' ? (stream.isTTY ? 'bar' : 'plain') : mode;
  if (resolved === 'bar') return new BarProgress(stream, label);
  if (resolved === 'plain') return new PlainProgress(stream);
  return new SilentProgress(stream);
}

/** Rate and ETA of the items finished in this run. */
class Clock {
  private started = Date.now();
  private base = 0;
  total = 0;
  done = 0;

  start(total: number, done: number) {
    this.started = Date.now();
    this.total = total;
    this.done = done;
    this.base = done;
  }

  /** Items per second in this run. */
  rate(): number {
    const secs = (Date.now() - this.started) / 1000;
    const n = this.done - this.base;
    return secs > 0 && n > 0 ? n / secs : 0;
  }

  eta(): string {
    const r = this.rate();
    return r > 0 ? formatDuration(((this.total - this.done) / r) * 1000) : '?';
  }
}

const ORDER = [
  'succeeded',
  'enriched',
  'unenriched',
  'failed',
  'cancelled',
  'rejected',
  'error',
  'valid',
  'invalid',
];
const rank = (k: string) => (ORDER.includes(k) ? ORDER.indexOf(k) : ORDER.length);

/** Counters in a fixed order (succeeded, failed, …, then the others by name), zeros left out. */
export function orderedCounts(c: ProgressCounts): Array<[string, number]> {
  return Object.entries(c)
    .filter(([, n]) => n > 0)
    .sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b));
}

const fmtCounts = (c: ProgressCounts) =>
  orderedCounts(c)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');

class PlainProgress implements Progress {
  readonly mode = 'plain';
  private readonly clock = new Clock();
  constructor(private readonly stream: CliStream) {}

  start(total: number, done = 0) {
    this.clock.start(total, done);
  }

  tick(line: string, _counts?: ProgressCounts, n = 1) {
    const c = this.clock;
    c.done += n;
    writeLine(
      this.stream,
      `[${c.done}/${c.total}] ${line} (${c.rate().toFixed(2)}/s, ETA ${c.done >= c.total ? '0s' : c.eta()})`,
    );
  }

  note(line: string) {
    writeLine(this.stream, line);
  }

  stop() {}
}

class SilentProgress implements Progress {
  readonly mode = 'none';
  constructor(private readonly stream: CliStream) {}
  start() {}
  tick() {}
  note(line: string) {
    writeLine(this.stream, line);
  }
  stop() {}
}

class BarProgress implements Progress {
  readonly mode = 'bar';
  private readonly clock = new Clock();
  private readonly bar: cliProgress.SingleBar;
  private running = false;

  constructor(
    private readonly stream: CliStream,
    label: string,
  ) {
    this.bar = new cliProgress.SingleBar(
      {
        // cli-progress draws on any stream with write() and isTTY (cursor moves are escape codes).
        stream: stream as unknown as NodeJS.WritableStream,
        format: `{bar} {value}/{total} ${label} | {speed}/s | ETA {left} | {counts}`,
        hideCursor: true,
        clearOnComplete: false,
        stopOnComplete: false,
        etaBuffer: 50,
      },
      cliProgress.Presets.shades_classic,
    );
  }

  start(total: number, done = 0) {
    this.clock.start(total, done);
    this.bar.start(total, done, { speed: '0.00', left: '?', counts: '' });
    this.running = true;
  }

  tick(_line: string, counts: ProgressCounts, n = 1) {
    this.clock.done += n;
    this.bar.update(this.clock.done, {
      speed: this.clock.rate().toFixed(2),
      left: this.clock.done >= this.clock.total ? '0s' : this.clock.eta(),
      counts: fmtCounts(counts),
    });
  }

  note(line: string) {
    if (!this.running) return writeLine(this.stream, line);
    // Clear the bar's line, print, and let the bar redraw below.
    this.stream.write(`\r\x1b[2K${line}\n`);
    this.bar.render();
  }

  stop() {
    if (!this.running) return;
    this.running = false;
    this.bar.stop();
  }
}
