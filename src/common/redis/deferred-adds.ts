import { Logger } from '@nestjs/common';

/**
 * Items stored in PostgreSQL whose queue job could not be added because Redis was unreachable:
 * kept in memory and added again every `retryMs` until Redis takes them, so that work accepted
 * during an outage starts within seconds of Redis coming back. The sweeps stay the backstop for
 * what a process that died meanwhile was holding.
 */
export class DeferredAdds<T> {
  private readonly pending = new Map<string, T>();
  private timer?: NodeJS.Timeout;
  private flushing = false;
  private readonly logger: Logger;

  constructor(
    name: string,
    private readonly keyOf: (item: T) => string,
    private readonly add: (items: T[]) => Promise<void>,
    private readonly retryMs = 1000,
  ) {
    this.logger = new Logger(`DeferredAdds:${name}`);
  }

  get size(): number {
    return this.pending.size;
  }

  /** Adds the items now; when Redis cannot take them, keeps them for later. Never throws. */
  async addOrDefer(items: T[]): Promise<boolean> {
    try {
      await this.add(items);
      return true;
    } catch {
      this.defer(items);
      return false;
    }
  }

  defer(items: T[]): void {
    for (const item of items) this.pending.set(this.keyOf(item), item);
    this.schedule();
  }

  private schedule(): void {
    if (this.timer || !this.pending.size) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, this.retryMs);
    this.timer.unref();
  }

  /** Tries to add everything pending now; what still fails waits for the next round. */
  async flush(): Promise<void> {
    if (this.flushing || !this.pending.size) return;
    this.flushing = true;
    const batch = [...this.pending.entries()];
    try {
      await this.add(batch.map(([, item]) => item));
      for (const [key, item] of batch) if (this.pending.get(key) === item) this.pending.delete(key);
      this.logger.log(`queued ${batch.length} item(s) held while Redis was unreachable`);
    } catch {
      // Still unreachable: try again later.
    } finally {
      this.flushing = false;
      this.schedule();
    }
  }

  /** Stops retrying (shutdown); what is pending is left to the sweeps. */
  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
