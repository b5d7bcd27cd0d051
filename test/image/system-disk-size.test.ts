import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkSystemDiskSizeCoversImage, systemDiskSizeFromVirtualSize } from '../../src/domain/image/system-disk-size.js';

const GiB = 2 ** 30;

describe('systemDiskSizeFromVirtualSize', () => {
  it('rounds up to the next multiple of 10 GiB, at least 40', () => {
    const table: Array<[number, number]> = [
      [0, 40],
      [64 * 2 ** 20, 40],
      [2.2 * GiB, 40],
      [40 * GiB, 40],
      [40 * GiB + 1, 50],
      [45 * GiB, 50],
      [128 * GiB, 130],
      [499 * GiB, 500],
      [500 * GiB, 500],
    ];
    for (const [bytes, gb] of table) assert.deepEqual(systemDiskSizeFromVirtualSize(bytes), { ok: true, gb }, String(bytes));
  });

  it('rejects more than 500 GiB with the figure', () => {
    assert.deepEqual(systemDiskSizeFromVirtualSize(500 * GiB + 512), {
      ok: false,
      problem: {
        code: 'virtual-size-too-large',
        field: 'content',
        value: '536870912512',
        message:
          "The image's virtual size is 536870912512 bytes (500 GiB); JD Cloud imports system disks of at most 500 GiB. Shrink the file system and then the disk (qemu-img resize --shrink) to 500 GiB or less.",
      },
    });
    const twoTiB = systemDiskSizeFromVirtualSize(2048 * GiB);
    assert.equal(twoTiB.ok, false);
    if (!twoTiB.ok) assert.match(twoTiB.problem.message, /^The image's virtual size is 2199023255552 bytes \(2048 GiB\);/);
  });

  it('rejects a size that is not a byte count', () => {
    for (const bytes of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
      const result = systemDiskSizeFromVirtualSize(bytes);
      assert.equal(result.ok, false);
      if (!result.ok) assert.equal(result.problem.code, 'virtual-size-invalid');
    }
  });
});

describe('checkSystemDiskSizeCoversImage', () => {
  it('accepts a given size at least the virtual size', () => {
    assert.deepEqual(checkSystemDiskSizeCoversImage(40, 40 * GiB), { ok: true });
    assert.deepEqual(checkSystemDiskSizeCoversImage(50, 45 * GiB), { ok: true });
  });

  it('rejects a smaller one with both figures and the size to use', () => {
    assert.deepEqual(checkSystemDiskSizeCoversImage(40, 45 * GiB), {
      ok: false,
      problem: {
        code: 'system-disk-size-too-small',
        field: 'system-disk-size-gb',
        value: '40',
        message:
          "system-disk-size-gb is 40, but the image's virtual size is 48318382080 bytes (45 GiB), which does not fit in 40 GiB. Set system-disk-size-gb to at least 50, or leave it out to derive it from the image.",
      },
    });
  });
});
