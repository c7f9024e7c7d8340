import { uuidKey } from './task-rows';

/**
 * Group commit for one kind of per-task statement. A call made while fewer than `parallel` are
 * in flight goes out at once, as before; calls made meanwhile wait and then go out together as one
 * statement (`many`), so under load a worker sends one claim / final UPDATE per
 * batch instead of per task (each statement is still sent after every call it answers was made).
 * A batch never holds the same id twice and lists its ids sorted, so concurrent batches lock rows
 * in the same order; if its statement fails (one bad row fails it), each call runs on its own
 * (`one`), so every caller gets what it would have got alone.
 */
export class Coalescer<A extends { id: string }, R> {
  private queue: Array<{
    arg: A;
    key: string;
    resolve: (r: R) => void;
    reject: (e: unknown) => void;
  }> = [];
  private inFlight = 0;

  constructor(
    private readonly one: (arg: A) => Promise<R>,
    private readonly many: (args: A[]) => Promise<Map<string, R>>,
    private readonly parallel = 2,
    private readonly max = 500,
  ) {}

  submit(arg: A): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ arg, key: uuidKey(arg.id), resolve, reject });
      this.flush();
    });
  }

  private flush(): void {
    while (this.inFlight < this.parallel && this.queue.length) {
      const ids = new Set<string>();
      const batch: typeof this.queue = [];
      const rest: typeof this.queue = [];
      for (const item of this.queue) {
        if (batch.length < this.max && !ids.has(item.key)) {
          ids.add(item.key);
          batch.push(item);
        } else rest.push(item);
      }
      this.queue = rest;
      this.inFlight++;
      void this.run(batch).finally(() => {
        this.inFlight--;
        this.flush();
      });
    }
  }

  private async run(batch: typeof this.queue): Promise<void> {
    const alone = (item: (typeof batch)[number]) =>
      this.one(item.arg).then(item.resolve, item.reject);
    if (batch.length === 1) return alone(batch[0]);
    batch.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    let results: Map<string, R>;
    try {
      results = await this.many(batch.map((item) => item.arg));
    } catch {
      await Promise.all(batch.map(alone));
      return;
    }
    for (const item of batch) item.resolve(results.get(item.key)!);
  }
}
