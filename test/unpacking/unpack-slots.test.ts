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
