// The decoders against what the real tools make: zstd and bzip2 streams of several frames or
// streams, streams cut short or with a byte flipped, and headers asking for more memory than the
// decoders allow. fzstd is called directly (this Node may have zlib's zstd).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { describe, it } from 'node:test';
import { decode } from '../../src/use-cases/unpacking/decoders.js';
import { fzstdDecode } from '../../src/use-cases/unpacking/zstd-decoder.js';

/** `command` (a shell pipeline reading stdin) applied to `input`. */
function pack(command: string, input: Uint8Array): Buffer {
  return execFileSync('sh', ['-c', command], { input, maxBuffer: 1 << 28 });
}

/** Fed in chunks of `chunkBytes`, as a GET delivers them. */
async function decodeAll(decoder: (input: AsyncIterable<Uint8Array>) => AsyncIterable<Uint8Array>, packed: Uint8Array, chunkBytes = 65_536): Promise<Buffer> {
  async function* chunks() {
    for (let at = 0; at < packed.length; at += chunkBytes) yield packed.subarray(at, at + chunkBytes);
  }
  const out: Uint8Array[] = [];
  for await (const chunk of decoder(chunks())) out.push(chunk);
  return Buffer.concat(out);
}

/** 3 MiB: random (stored as raw blocks: only a checksum sees a flipped byte there), zeros, random. */
function diskLike(): Buffer {
  const bytes = Buffer.alloc(3 * 2 ** 20);
  randomFillSync(bytes, 0, 2 ** 20);
  randomFillSync(bytes, 2 * 2 ** 20);
  return bytes;
}

describe('fzstd, fed in slices', () => {
  const data = diskLike();

  it('decodes several frames (one without a checksum), a skippable frame and an empty frame, in any chunking', async () => {
    const skippable = Buffer.from([0x50, 0x2a, 0x4d, 0x18, 3, 0, 0, 0, 1, 2, 3]);
    const packed = Buffer.concat([pack('zstd -q -c', data), skippable, pack('zstd -q -c --no-check', data.subarray(0, 1000)), pack('zstd -q -c', new Uint8Array(0))]);
    const expected = Buffer.concat([data, data.subarray(0, 1000)]);
    for (const chunkBytes of [1, 7, 65_536]) assert.ok((await decodeAll(fzstdDecode, packed, chunkBytes)).equals(expected), `chunks of ${chunkBytes}`);
  });

  it('refuses a frame whose content fails its checksum', async () => {
    const packed = pack('zstd -q -c', data);
    packed.writeUInt8(packed.readUInt8(packed.length - 2 ** 20) ^ 0x01, packed.length - 2 ** 20); // in the last raw block, random data stored as it is
    await assert.rejects(decodeAll(fzstdDecode, packed), /^Error: a zstd frame fails its content checksum \(stored [0-9a-f]+, computed [0-9a-f]+\)$/);
  });

  it('refuses a stream cut short', async () => {
    const packed = pack('zstd -q -c', data);
    await assert.rejects(decodeAll(fzstdDecode, packed.subarray(0, packed.length - 100)), { message: 'the zstd stream ends in the middle of a frame' });
  });

  it('refuses, before allocating it, a window larger than the 128 MiB zstd itself decodes by default', async () => {
    // From a pipe, zstd cannot shrink the window to the input: --long=28 asks for 256 MiB.
    const packed = pack('zstd -q -c --long=28', data);
    await assert.rejects(decodeAll(fzstdDecode, packed), {
      message: 'a zstd frame needs a 256 MiB window, more than the 128 MiB zstd decodes without --memory (compressed with --long=28 or more); compress it again without --long',
    });
  });
});

describe('bzip2, block by block', () => {
  const data = diskLike();

  it('decodes concatenated streams (pbzip2, cat) byte for byte', async () => {
    const packed = Buffer.concat([pack('bzip2 -c', data), pack('bzip2 -c -1', data.subarray(0, 5000))]);
    assert.ok((await decodeAll((input) => decode('bzip2', input), packed, 999)).equals(Buffer.concat([data, data.subarray(0, 5000)])));
  });

  it('refuses a stream cut short, and a flipped byte', async () => {
    const packed = pack('bzip2 -c', data);
    await assert.rejects(decodeAll((input) => decode('bzip2', input), packed.subarray(0, packed.length - 5000)), { message: 'the bzip2 stream ends in the middle of a block' });
    await assert.rejects(decodeAll((input) => decode('bzip2', input), packed.subarray(0, packed.length - 4)), { message: 'the bzip2 stream ends in the middle of a block' });
    const flipped = Buffer.from(packed);
    flipped.writeUInt8(flipped.readUInt8(flipped.length - 2 ** 20) ^ 0x01, flipped.length - 2 ** 20);
    // In a block of random data: the Huffman codes still decode, the block's CRC does not match.
    await assert.rejects(decodeAll((input) => decode('bzip2', input), flipped), { message: 'Error in bzip2: crc32 do not match' });
  });
});

describe('xz', () => {
  it('refuses a dictionary larger than the 64 MiB the decoder allows, saying so', async () => {
    const packed = pack('xz -c --lzma2=preset=0,dict=128MiB', new Uint8Array(4096));
    await assert.rejects(decodeAll((input) => decode('xz', input), packed), {
      message: 'xz: it needs a dictionary larger than the 64 MiB the decoder allows (xz -9 uses 64 MiB); compress it again with xz -9 or less',
    });
  });

  it('decodes concatenated streams, and says a stream cut short is', async () => {
    const data = diskLike();
    const packed = Buffer.concat([pack('xz -c -0', data), pack('xz -c -0', data)]);
    assert.ok((await decodeAll((input) => decode('xz', input), packed)).equals(Buffer.concat([data, data])));
    await assert.rejects(decodeAll((input) => decode('xz', input), packed.subarray(0, 2 ** 20)), { message: 'xz: it ends in the middle of the stream' });
  });
});
