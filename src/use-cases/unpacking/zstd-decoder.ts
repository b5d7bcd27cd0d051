// zstd where Node's zlib has no zstd (before Node 22.15/23.8: fc's nodejs16 to nodejs22):
// fzstd, a pure-JS decoder. Its push() decodes every block of what it is given before it
// returns, so it is fed slices of at most 256 bytes (at most 64 RLE blocks of 128 KiB, 8 MiB of
// output) and its output is handed on between slices: memory stays flat under a zero-filled
// bomb. The frames are walked alongside (zstd-frames.ts): one decoder per frame, flushed at its
// end, so each frame's content checksum (which fzstd skips) is checked against its output.
import { Xxh64 } from './xxh64.js';
import { ZstdFrames } from './zstd-frames.js';

const sliceBytes = 256;
const frameMagic = Uint8Array.of(0x28, 0xb5, 0x2f, 0xfd);

export async function* fzstdDecode(input: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> {
  const { Decompress } = await import('fzstd');
  const out: Uint8Array[] = [];
  const hash = new Xxh64();
  const onData = (chunk: Uint8Array) => {
    if (chunk.length === 0) return;
    hash.update(chunk);
    out.push(chunk);
  };
  let decoder = new Decompress(onData);
  const frames = new ZstdFrames();
  for await (const chunk of input) {
    for (let at = 0; at < chunk.length; ) {
      const slice = chunk.subarray(at, at + Math.min(sliceBytes, frames.partLeft));
      at += slice.length;
      const part = frames.currentPart;
      // Walked first: a frame's header is checked before fzstd allocates the window it names.
      frames.consume(slice);
      if (part === 'magic' && frames.currentPart === 'descriptor') decoder.push(frameMagic);
      else if (part !== 'magic' && part !== 'skippable-size' && part !== 'skippable') decoder.push(slice);
      const ended = frames.takeEndedFrame();
      if (ended !== undefined) {
        decoder.push(new Uint8Array(0), true);
        const computed = hash.digestLow32();
        if (ended.checksum !== undefined && ended.checksum !== computed) {
          throw new Error(`a zstd frame fails its content checksum (stored ${ended.checksum.toString(16)}, computed ${computed.toString(16)})`);
        }
        hash.reset();
        decoder = new Decompress(onData);
      }
      if (out.length > 0) yield* out.splice(0);
    }
  }
  if (!frames.atFrameBoundary) throw new Error('the zstd stream ends in the middle of a frame');
}
