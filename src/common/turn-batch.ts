/**
 * Collects what is added during one turn of the event loop and hands it over in one call
 * (`send`, on setImmediate), in the order added: one message or one Redis command per turn
 * instead of one per item on a busy worker. `send` handles its own errors.
 */
export class TurnBatch<T> {
  private items: T[] = [];
  /** Settled when the items collected now have been handed over (made on the first `sent()`). */
  private handedOver?: { promise: Promise<void>; resolve: () => void };

  constructor(private readonly send: (items: T[]) => void) {}

  add(item: T): void {
    this.items.push(item);
    if (this.items.length === 1) setImmediate(() => this.flush());
  }

  /** Resolves once everything added so far has been handed to `send` (at once if nothing waits). */
  sent(): Promise<void> {
    if (!this.items.length) return Promise.resolve();
    if (!this.handedOver) {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => (resolve = r));
      this.handedOver = { promise, resolve };
    }
    return this.handedOver.promise;
  }

  private flush(): void {
    const items = this.items;
    const handedOver = this.handedOver;
    this.items = [];
    this.handedOver = undefined;
    try {
      this.send(items);
    } finally {
      handedOver?.resolve();
    }
  }
}
