// unbzip2-stream 1.4 ships no types: its block decoder (lib/bzip2.js) and bit reader (lib/bit_iterator.js).
declare module 'unbzip2-stream/lib/bit_iterator.js' {
  export interface BitReader {
    (bits: number | null): number;
    bytesRead: number;
  }
  export default function bitIterator(nextBuffer: () => Uint8Array): BitReader;
}

declare module 'unbzip2-stream/lib/bzip2.js' {
  import type { BitReader } from 'unbzip2-stream/lib/bit_iterator.js';
  const bzip2: {
    /** Reads "BZh1"–"BZh9"; the block size in 100 kB. */
    header(bits: BitReader): number;
    /** Decodes one block into `write`; the running stream CRC, or null at the end-of-stream marker (after checking the stream CRC). */
    decompress(bits: BitReader, write: (byte: number) => void, buffer: Int32Array, bufferSize: number, streamCrc: number | null): number | null;
  };
  export default bzip2;
}
