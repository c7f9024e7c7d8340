import { TurnBatch } from '../../src/common/turn-batch';

/** TurnBatch: what is added in one turn of the event loop goes out in one call, in order. */
describe('TurnBatch', () => {
  const nextTurn = () => new Promise<void>((r) => setImmediate(r));

  it('hands over one turn’s items in one call, in the order added', async () => {
    const calls: number[][] = [];
    const batch = new TurnBatch<number>((items) => calls.push(items));
    batch.add(1);
    batch.add(2);
    batch.add(3);
    expect(calls).toEqual([]);
    await nextTurn();
    batch.add(4);
    await nextTurn();
    expect(calls).toEqual([[1, 2, 3], [4]]);
  });

  it('sent() resolves once the items added so far have been handed over, not before', async () => {
    const calls: string[][] = [];
    const batch = new TurnBatch<string>((items) => calls.push(items));
    batch.add('a');
    let settled = false;
    const sent = batch.sent().then(() => {
      settled = true;
      return calls.map((c) => [...c]);
    });
    batch.add('b');
    await Promise.resolve();
    expect(settled).toBe(false);
    // Everything added before the hand-over is in it, including what came after sent() was asked.
    await expect(sent).resolves.toEqual([['a', 'b']]);
  });

  it('sent() resolves at once when nothing waits to be handed over', async () => {
    const calls: number[][] = [];
    const batch = new TurnBatch<number>((items) => calls.push(items));
    await expect(batch.sent()).resolves.toBeUndefined();
    batch.add(1);
    await batch.sent();
    await expect(batch.sent()).resolves.toBeUndefined();
    expect(calls).toEqual([[1]]);
  });
});
