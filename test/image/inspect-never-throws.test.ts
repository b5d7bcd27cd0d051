// The inspector runs on bytes anyone can upload: it must answer, never throw, for any input.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { inspectImage } from '../../src/domain/image/inspect-image.js';

const magics = [
  'QFI\xfb',
  'conectix',
  'vhdxfile',
  'KDMV',
  'COWD',
  '# Disk DescriptorFile\ncreateType="monolithicFlat"\nRW 10 FLAT "x" 0\n',
  'QED\0',
  'LUKS\xba\xbe',
  '\x1f\x8b\x08',
  '\xfd7zXZ\0',
  '\x28\xb5\x2f\xfd',
  'BZh9',
  'PK\x03\x04',
  '\x04\x22\x4d\x18',
].map((text) => Uint8Array.from(text, (char) => char.charCodeAt(0)));

/** Random bytes, often starting with a real magic so the probes go deep into their parsers. */
const headBytes = fc.oneof(
  fc.uint8Array({ maxLength: 4096 }),
  fc.tuple(fc.constantFrom(...magics), fc.uint8Array({ maxLength: 4096 })).map(([magic, rest]) => concat(magic, rest)),
  fc.tuple(fc.constantFrom(...magics), fc.uint8Array({ minLength: 600, maxLength: 2048 }), fc.integer({ min: 0, max: 600 })).map(([magic, rest, at]) => {
    // A signature at an offset another format looks at (MBR 510, ISO 32769, tar 257, VDI 0x40).
    const bytes = concat(magic, rest);
    bytes.set([0x55, 0xaa].slice(0, Math.max(0, Math.min(2, bytes.length - 510))), Math.min(510, bytes.length));
    bytes[Math.min(at, bytes.length - 1)] = 0x75;
    return bytes;
  }),
);

function concat(left: Uint8Array, right: Uint8Array): Uint8Array {
  const bytes = new Uint8Array(left.length + right.length);
  bytes.set(left);
  bytes.set(right, left.length);
  return bytes;
}

function checkResult(result: ReturnType<typeof inspectImage>): void {
  assert.equal(typeof result.format, 'string');
  assert.ok(result.virtualSizeBytes === null || Number.isSafeInteger(result.virtualSizeBytes));
  assert.ok(Array.isArray(result.problems) && Array.isArray(result.details.warnings));
  for (const problem of result.problems) {
    assert.notEqual(problem.code, 'inspection-failed', problem.message);
    assert.ok(problem.message.length > 0 && problem.field.length > 0);
  }
  JSON.stringify(result);
}

describe('inspectImage never throws', () => {
  it('on arbitrary head, tail and size that fit together', () => {
    fc.assert(
      fc.property(headBytes, fc.uint8Array({ maxLength: 1536 }), fc.nat({ max: 2 ** 40 }), (head, tail, extra) => {
        const size = Math.max(head.length, tail.length) + (extra % 3 === 0 ? 0 : extra);
        checkResult(inspectImage({ head, tail, size }));
      }),
      { numRuns: 3000 },
    );
  });

  it('on a tail holding a VHD footer or VMDK stream footer with random fields', () => {
    const footer = fc.oneof(
      fc.uint8Array({ minLength: 504, maxLength: 504 }).map((rest) => concat(magics[1] as Uint8Array, rest)),
      fc.uint8Array({ minLength: 1536, maxLength: 1536 }).map((bytes) => {
        bytes.set(magics[3] as Uint8Array, 512);
        return bytes;
      }),
    );
    fc.assert(
      fc.property(headBytes, footer, fc.nat({ max: 2 ** 36 }), (head, tail, gap) => {
        checkResult(inspectImage({ head, tail, size: head.length + tail.length + gap }));
      }),
      { numRuns: 2000 },
    );
  });

  it('on inputs that do not fit together', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), fc.uint8Array({ maxLength: 600 }), fc.double(), (head, tail, size) => {
        checkResult(inspectImage({ head, tail, size }));
      }),
    );
    assert.deepEqual(inspectImage({ head: new Uint8Array(10), tail: new Uint8Array(), size: 5 }).problems, [
      {
        code: 'image-bytes-inconsistent',
        field: 'content',
        value: '5',
        message: 'The bytes handed to the inspector do not fit the object size 5 (head 10 bytes, tail 0 bytes); read them again.',
      },
    ]);
  });

  it('says an empty object is empty', () => {
    assert.deepEqual(inspectImage({ head: new Uint8Array(), tail: new Uint8Array(), size: 0 }), {
      format: 'unknown',
      virtualSizeBytes: null,
      details: { summary: 'not inspected', warnings: [] },
      problems: [{ code: 'image-empty', field: 'content', value: '0', message: 'The object is empty (0 bytes). Upload the disk image itself.' }],
    });
  });

  it('rejects an object over 500 GiB whatever it holds', () => {
    const facts = inspectImage({ head: new Uint8Array(512), tail: new Uint8Array(512), size: 600 * 2 ** 30 });
    assert.equal(facts.format, 'raw');
    assert.deepEqual(
      facts.problems.map((problem) => problem.code),
      ['image-too-large'],
    );
  });
});
