/**
 * Collects what is added during one turn of the event loop and hands it over in one call
 * (`send`, on setImmediate), in the order added: one message or one Redis command per turn
 * instead of one per item on a busy worker. `send` handles its own errors.
 */
export class TurnBatch<T> {
  private items: T[] = [];

  constructor(private readonly send: (items: T[]) => void) {}

  add(item: T): void {
    this.items.push(item);
    if (this.items.length === 1) setImmediate(() => this.flush());
  }

  private flush(): void {
    const items = this.items;
    this.items = [];
    this.send(items);
  }
}
