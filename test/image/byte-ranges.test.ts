import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { httpRangeHeader, imageByteRanges } from '../../src/domain/image/byte-ranges.js';

describe('imageByteRanges', () => {
  it('reads the whole object when it is at most 64 KiB, with no tail read', () => {
    assert.deepEqual(imageByteRanges(0), { head: { start: 0, end: 0 }, tail: undefined });
    assert.deepEqual(imageByteRanges(1000), { head: { start: 0, end: 1000 }, tail: undefined });
    assert.deepEqual(imageByteRanges(65536), { head: { start: 0, end: 65536 }, tail: undefined });
  });

  it('reads the first 64 KiB and the last 1536 bytes, without overlap', () => {
    assert.deepEqual(imageByteRanges(65537), { head: { start: 0, end: 65536 }, tail: { start: 65536, end: 65537 } });
    assert.deepEqual(imageByteRanges(66000), { head: { start: 0, end: 65536 }, tail: { start: 65536, end: 66000 } });
    assert.deepEqual(imageByteRanges(20 * 2 ** 30), {
      head: { start: 0, end: 65536 },
      tail: { start: 20 * 2 ** 30 - 1536, end: 20 * 2 ** 30 },
    });
  });

  it('never reads more than 64 KiB + 1536 bytes, nor past the object, whatever its size', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (size) => {
        const { head, tail } = imageByteRanges(size);
        const read = head.end - head.start + (tail === undefined ? 0 : tail.end - tail.start);
        assert.ok(read <= 65536 + 1536);
        assert.equal(read, Math.min(size, size <= 65536 ? size : 65536 + Math.min(1536, size - 65536)));
        assert.ok(head.end <= size && (tail === undefined || (tail.start >= head.end && tail.end === size)));
      }),
    );
  });

  it('gives the HTTP Range header (inclusive end)', () => {
    assert.equal(httpRangeHeader({ start: 0, end: 65536 }), 'bytes=0-65535');
    assert.equal(httpRangeHeader({ start: 1000, end: 2536 }), 'bytes=1000-2535');
  });
});
