// The structure of a zstd stream (RFC 8878 §3.1): frames (magic, header, blocks, optional
// content checksum) and skippable frames, walked as the bytes arrive without decoding them.
// fzstd decodes; this walk refuses a frame whose window fzstd would allocate past zstd's own
// default limit (before fzstd sees its header), says where each frame ends and keeps the content
// checksum fzstd skips, and leaves skippable frames out of what fzstd is fed.

/** zstd's default ZSTD_WINDOWLOG_LIMIT_DEFAULT (27): larger windows need `zstd --memory=` to decode, and Node's zlib refuses them too. */
export const maxZstdWindowBytes = 128 * 2 ** 20;

export type Part = 'magic' | 'descriptor' | 'header' | 'block-header' | 'block' | 'checksum' | 'skippable-size' | 'skippable';

const le = (bytes: Uint8Array, length: number): number => {
  let value = 0;
  for (let index = length - 1; index >= 0; index--) value = value * 256 + (bytes[index] ?? 0);
  return value;
};

/** Walks a zstd stream's structure; throws Error on what fzstd could not (or must not) decode. */
export class ZstdFrames {
  private part: Part = 'magic';
  /** Bytes the current part still needs. */
  private left = 4;
  /** The current part's bytes, for the short ones (magic, header, block header, checksum). */
  private readonly held = new Uint8Array(18);
  private heldLength = 0;
  private checksumFlag = false;
  private lastBlock = false;
  private descriptor = 0;
  /** Set when a zstd frame has just ended (cleared by `takeEndedFrame`). */
  private ended: { checksum?: number } | undefined;

  /** What the current bytes are: fzstd is fed a frame's parts, never a skippable frame. */
  get currentPart(): Part {
    return this.part;
  }

  /** The frame that the last `consume` ended, with its stored checksum (the low 32 bits of XXH64 of its content). */
  takeEndedFrame(): { checksum?: number } | undefined {
    const ended = this.ended;
    this.ended = undefined;
    return ended;
  }

  /** How many of the next bytes belong to the current part: a slice no longer than this crosses no boundary. */
  get partLeft(): number {
    return this.left;
  }

  /** True between frames: a stream may end here and nowhere else. */
  get atFrameBoundary(): boolean {
    return this.part === 'magic' && this.heldLength === 0;
  }

  /** Takes the next bytes (at most `partLeft` of them). */
  consume(bytes: Uint8Array): void {
    if (bytes.length > this.left) throw new Error('a zstd slice crosses a part');
    if (this.part !== 'block' && this.part !== 'skippable') {
      this.held.set(bytes, this.heldLength);
      this.heldLength += bytes.length;
    }
    this.left -= bytes.length;
    if (this.left === 0) this.next();
  }

  private enter(part: Part, length: number): void {
    this.part = part;
    this.left = length;
    this.heldLength = 0;
    if (length === 0) this.next();
  }

  private next(): void {
    const held = this.held.subarray(0, this.heldLength);
    switch (this.part) {
      case 'magic': {
        const magic = le(held, 4);
        if (magic === 0xfd2fb528) return this.enter('descriptor', 1);
        if (magic >= 0x184d2a50 && magic <= 0x184d2a5f) return this.enter('skippable-size', 4);
        throw new Error('no zstd frame where one should start');
      }
      case 'skippable-size':
        return this.enter('skippable', le(held, 4));
      case 'skippable':
        return this.enter('magic', 4);
      case 'descriptor': {
        const descriptor = held[0] ?? 0;
        if ((descriptor & 0x08) !== 0) throw new Error('a zstd frame header sets its reserved bit');
        this.descriptor = descriptor;
        this.checksumFlag = (descriptor & 0x04) !== 0;
        const singleSegment = (descriptor & 0x20) !== 0;
        const sizeFlag = descriptor >> 6;
        const dictionaryBytes = [0, 1, 2, 4][descriptor & 0x03] ?? 0;
        const contentSizeBytes = sizeFlag === 0 ? (singleSegment ? 1 : 0) : 1 << sizeFlag;
        return this.enter('header', (singleSegment ? 0 : 1) + dictionaryBytes + contentSizeBytes);
      }
      case 'header':
        this.checkHeader(held);
        return this.enter('block-header', 3);
      case 'block-header': {
        const header = le(held, 3);
        this.lastBlock = (header & 1) === 1;
        const type = (header >> 1) & 3;
        if (type === 3) throw new Error('a zstd block of the reserved type');
        // Raw and compressed blocks carry Block_Size bytes; an RLE block one byte, repeated.
        return this.enter('block', type === 1 ? 1 : header >>> 3);
      }
      case 'block':
        if (!this.lastBlock) return this.enter('block-header', 3);
        if (this.checksumFlag) return this.enter('checksum', 4);
        this.ended = {};
        return this.enter('magic', 4);
      case 'checksum':
        this.ended = { checksum: le(held, 4) };
        return this.enter('magic', 4);
    }
  }

  /** The window the frame needs: fzstd allocates it at once, whatever the frame holds. */
  private checkHeader(header: Uint8Array): void {
    const singleSegment = (this.descriptor & 0x20) !== 0;
    const dictionaryBytes = [0, 1, 2, 4][this.descriptor & 0x03] ?? 0;
    const sizeFlag = this.descriptor >> 6;
    const at = singleSegment ? 0 : 1;
    if (dictionaryBytes > 0 && le(header.subarray(at, at + dictionaryBytes), dictionaryBytes) !== 0) {
      throw new Error('a zstd frame needs a dictionary, which is not at hand');
    }
    let window: number;
    if (singleSegment) {
      const sizeAt = at + dictionaryBytes;
      const sizeBytes = sizeFlag === 0 ? 1 : 1 << sizeFlag;
      window = le(header.subarray(sizeAt, sizeAt + sizeBytes), sizeBytes) + (sizeFlag === 1 ? 256 : 0);
    } else {
      const descriptor = header[0] ?? 0;
      const base = 2 ** (10 + (descriptor >> 3));
      window = base + (base / 8) * (descriptor & 7);
    }
    if (window > maxZstdWindowBytes) {
      throw new Error(`a zstd frame needs a ${Math.ceil(window / 2 ** 20)} MiB window, more than the ${maxZstdWindowBytes / 2 ** 20} MiB zstd decodes without --memory (compressed with --long=28 or more); compress it again without --long`);
    }
  }
}
