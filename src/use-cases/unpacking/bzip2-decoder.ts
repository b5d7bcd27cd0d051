// bzip2 with unbzip2-stream's block decoder (its lib/bzip2.js, micro-bunzip's algorithm), driven
// one block at a time. The package's own stream collects a block's output in a JS array of
// numbers and decodes every block its input holds before handing anything on (a 178-byte bomb
// of 200 MB of zeros peaked at 2.3 GB); here a block's output goes into 1 MiB typed arrays and is
// handed on before the next block is decoded: at most one block's output (≤ 46 MiB from a
// 900 kB block) is held. Block and stream CRCs are checked by the block decoder.
import bzip2 from 'unbzip2-stream/lib/bzip2.js';
import bitIterator, { type BitReader } from 'unbzip2-stream/lib/bit_iterator.js';

const pieceBytes = 2 ** 20;

/**
 * The compressed bytes a block may need: bzip2 blocks are at most 900 kB of symbols, each at
 * most 20 bits (the decoder's limit) plus tables. The block decoder reads synchronously, so a
 * block's input is all at hand before it starts.
 */
const blockInputBytes = (blockSize: number) => 25_000 + 250_000 * blockSize;

export async function* bzip2Decode(input: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> {
  const source = input[Symbol.asyncIterator]();
  const queue: Uint8Array[] = [];
  let received = 0;
  let ended = false;
  const nextBuffer = () => {
    const next = queue.shift();
    // Only past the end of a truncated stream: the lookahead below holds any whole block.
    if (next === undefined) throw new Error('the bzip2 stream ends in the middle of a block');
    return next;
  };
  // Made once there are bytes: it takes its first buffer at once.
  let bits: BitReader | undefined;
  let blockSize = 0;
  let streamCrc: number | null = null;
  let table = new Int32Array(0);
  try {
    for (;;) {
      while (!ended && received - (bits?.bytesRead ?? 0) < blockInputBytes(blockSize || 9)) {
        const next = await source.next();
        if (next.done === true) ended = true;
        else if (next.value.length > 0) {
          queue.push(next.value);
          received += next.value.length;
        }
      }
      if (received === (bits?.bytesRead ?? 0)) break;
      bits ??= bitIterator(nextBuffer);
      if (blockSize === 0) {
        blockSize = bzip2.header(bits);
        streamCrc = 0;
        if (table.length !== blockSize * 100_000) table = new Int32Array(blockSize * 100_000);
        continue;
      }
      const pieces: Uint8Array[] = [];
      let piece = new Uint8Array(pieceBytes);
      let filled = 0;
      streamCrc = bzip2.decompress(
        bits,
        (byte: number) => {
          piece[filled++] = byte;
          if (filled === pieceBytes) {
            pieces.push(piece);
            piece = new Uint8Array(pieceBytes);
            filled = 0;
          }
        },
        table,
        table.length,
        streamCrc,
      );
      // null: the stream's end marker (its CRC checked); another stream may follow (pbzip2, cat).
      if (streamCrc === null) blockSize = 0;
      if (filled > 0) pieces.push(piece.subarray(0, filled));
      yield* pieces;
    }
    if (blockSize !== 0) throw new Error('the bzip2 stream ends before its end-of-stream marker');
  } finally {
    if (!ended) await source.return?.();
  }
}
