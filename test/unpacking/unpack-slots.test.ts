import assert from 'node:assert/strict';
import { it } from 'node:test';
import { withUnpackSlot } from '../../src/use-cases/unpacking/unpack-slots.js';

it('runs at most two unpacks at once, the others in turn, and frees a slot when one fails', async () => {
  let running = 0;
  let most = 0;
  const order: number[] = [];
  const work = (index: number) =>
    withUnpackSlot(async () => {
      running++;
      most = Math.max(most, running);
      await new Promise((resolve) => setImmediate(resolve));
      running--;
      order.push(index);
      if (index === 1) throw new Error('corrupt');
      return index;
    });
  const results = await Promise.allSettled([0, 1, 2, 3, 4].map(work));
  assert.equal(most, 2);
  assert.deepEqual(order, [0, 1, 2, 3, 4]);
  assert.deepEqual(results.map((result) => result.status), ['fulfilled', 'rejected', 'fulfilled', 'fulfilled', 'fulfilled']);
  assert.equal(await work(5), 5);
});

it('runs one xz unpack at a time (xz-decompress decodes one stream per process), leaving the other slot to other codecs', async () => {
  const running = new Set<string>();
  const seen: string[][] = [];
  let releaseFirst: () => void = () => {};
  const firstHeld = new Promise<void>((resolve) => {
    releaseFirst = resolve;
  });
  const work = (name: string, codec: string | undefined, until?: Promise<void>) =>
    withUnpackSlot(async () => {
      running.add(name);
      seen.push([...running].sort());
      await (until ?? new Promise((resolve) => setImmediate(resolve)));
      running.delete(name);
      return name;
    }, codec);
  const first = work('xz-1', 'xz', firstHeld);
  const second = work('xz-2', 'xz');
  const gzip = work('gzip', 'gzip');
  // The gzip unpack runs beside the first xz while the second xz waits for its turn, not a slot.
  assert.equal(await gzip, 'gzip');
  assert.deepEqual(seen, [['xz-1'], ['gzip', 'xz-1']]);
  releaseFirst();
  assert.deepEqual(await Promise.all([first, second]), ['xz-1', 'xz-2']);
  assert.deepEqual(seen, [['xz-1'], ['gzip', 'xz-1'], ['xz-2']]);
});
