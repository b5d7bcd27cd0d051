/**
 * Reads a byte stream in the pieces a container format asks for (a 512-byte tar header, then
 * a member's body as a stream) without ever holding more than one incoming chunk.
 */
export class ByteReader {
  private readonly iterator: AsyncIterator<Uint8Array>;
  private pending: Uint8Array = new Uint8Array(0);
  private ended = false;

  constructor(source: AsyncIterable<Uint8Array>) {
    this.iterator = source[Symbol.asyncIterator]();
  }

  private async fill(): Promise<boolean> {
    while (this.pending.length === 0 && !this.ended) {
      const next = await this.iterator.next();
      if (next.done === true) this.ended = true;
      else this.pending = next.value;
    }
    return this.pending.length > 0;
  }

  /** Exactly `length` bytes; undefined at a clean end of stream, an error in the middle of the read. */
  async readExactly(length: number): Promise<Uint8Array | undefined> {
    const out = new Uint8Array(length);
    let filled = 0;
    while (filled < length) {
      if (!(await this.fill())) {
        if (filled === 0) return undefined;
        throw new Error(`the stream ended ${length - filled} bytes short`);
      }
      const take = Math.min(length - filled, this.pending.length);
      out.set(this.pending.subarray(0, take), filled);
      this.pending = this.pending.subarray(take);
      filled += take;
    }
    return out;
  }

  /** The next `length` bytes as they arrive. */
  async *take(length: number): AsyncIterable<Uint8Array> {
    let left = length;
    while (left > 0) {
      if (!(await this.fill())) throw new Error(`the stream ended ${left} bytes short`);
      const piece = this.pending.subarray(0, Math.min(left, this.pending.length));
      this.pending = this.pending.subarray(piece.length);
      left -= piece.length;
      yield piece;
    }
  }

  async skip(length: number): Promise<void> {
    for await (const _piece of this.take(length)) {
      // Read and dropped: a member that is not the disk image.
    }
  }

  /** Everything that is left. */
  async *rest(): AsyncIterable<Uint8Array> {
    while (await this.fill()) {
      const piece = this.pending;
      this.pending = new Uint8Array(0);
      yield piece;
    }
  }

  /** Puts bytes back in front of the stream (after a look at a header). */
  unread(bytes: Uint8Array): void {
    const joined = new Uint8Array(bytes.length + this.pending.length);
    joined.set(bytes);
    joined.set(this.pending, bytes.length);
    this.pending = joined;
  }

  /** Stops reading (closes the source, e.g. the GET's connection). */
  async close(): Promise<void> {
    this.ended = true;
    await this.iterator.return?.();
  }
}
