// One streaming decoder per codec. Node's zlib wherever the running Node has the codec (gzip
// always; zstd from Node 22.15/23.8, feature-detected); otherwise maintained pure-JS/WASM
// decoders that bundle for fc, loaded only when an upload needs them (figures in
// bench/unpack.bench.ts and the commit adding them).
import { Readable, pipeline } from 'node:stream';
import zlib from 'node:zlib';
import type { Codec } from '../../domain/unpacking/index.js';
import { bzip2Decode } from './bzip2-decoder.js';
import { fzstdDecode } from './zstd-decoder.js';

type Bytes = AsyncIterable<Uint8Array>;

/** Node's own zstd decoder, where this Node has one. */
function nodeZstd(): (() => NodeJS.ReadWriteStream) | undefined {
  const create = (zlib as unknown as { createZstdDecompress?: () => NodeJS.ReadWriteStream }).createZstdDecompress;
  return typeof create === 'function' ? () => create.call(zlib) : undefined;
}

/** Which implementation decodes `codec` on this Node (for logs, bench and records). */
export function decoderName(codec: Codec): string {
  switch (codec) {
    case 'gzip':
      return 'node:zlib';
    case 'zstd':
      return nodeZstd() !== undefined ? 'node:zlib' : 'fzstd';
    case 'xz':
      return 'xz-decompress';
    case 'bzip2':
      return 'unbzip2-stream';
  }
}

function throughNodeStream(input: Bytes, transform: NodeJS.ReadWriteStream): Bytes {
  // pipeline() destroys every stage when one fails, so an error in the source reaches the reader.
  return pipeline(Readable.from(input, { objectMode: false }), transform, () => {}) as unknown as Bytes;
}

async function* xzDecode(input: Bytes): Bytes {
  // A webpack UMD bundle: Node's ESM loader sees its exports only under `default`.
  const loaded = (await import('xz-decompress')) as typeof import('xz-decompress') & { default?: typeof import('xz-decompress') };
  const XzReadableStream = loaded.default?.XzReadableStream ?? loaded.XzReadableStream;
  // node:stream/web and a reader loop, not Readable.toWeb and for-await: both are missing on Node 16.
  const { ReadableStream } = await import('node:stream/web');
  const source = input[Symbol.asyncIterator]();
  const compressed = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await source.next();
      if (next.done === true) controller.close();
      else controller.enqueue(next.value);
    },
    async cancel() {
      await source.return?.();
    },
  });
  const reader = new XzReadableStream(compressed as unknown as globalThis.ReadableStream<Uint8Array>).getReader();
  let done = false;
  try {
    for (;;) {
      const next = await reader.read().catch((error: unknown) => {
        throw xzError(error);
      });
      if (next.done) {
        done = true;
        return;
      }
      yield next.value;
    }
  } finally {
    // Stopped early (a rejection, or `plan` has its bytes): close the source too.
    if (!done) await reader.cancel().catch(() => undefined);
  }
}

/**
 * xz-decompress reports xz-embedded's xz_ret as a number: said in words. Its dictionary limit is
 * 64 MiB (xz -9's), which keeps the decoder's memory bounded whatever a header asks for.
 */
const xzErrors: Record<string, string> = {
  '2': 'its integrity check type is not supported',
  '3': 'the decoder ran out of memory',
  '4': 'it needs a dictionary larger than the 64 MiB the decoder allows (xz -9 uses 64 MiB); compress it again with xz -9 or less',
  '5': 'it is not in the xz format',
  '6': 'it uses xz options or filters the decoder does not support',
  '7': 'its data is corrupt',
  '8': 'it ends in the middle of the stream',
};

function xzError(error: unknown): unknown {
  const code = error instanceof Error ? /get_next_output failed with error code (\d+)/.exec(error.message)?.[1] : undefined;
  return code === undefined ? error : new Error(`xz: ${xzErrors[code] ?? `error ${code}`}`);
}

/** A zip member's deflated bytes (raw deflate, no header). */
export function inflateRaw(input: Bytes): Bytes {
  return throughNodeStream(input, zlib.createInflateRaw());
}

/** The decompressed bytes of `input`; a decoder error surfaces from the iteration. */
export function decode(codec: Codec, input: Bytes): Bytes {
  switch (codec) {
    case 'gzip':
      return throughNodeStream(input, zlib.createGunzip());
    case 'zstd': {
      const native = nodeZstd();
      return native !== undefined ? throughNodeStream(input, native()) : fzstdDecode(input);
    }
    case 'xz':
      return xzDecode(input);
    case 'bzip2':
      return bzip2Decode(input);
  }
}
