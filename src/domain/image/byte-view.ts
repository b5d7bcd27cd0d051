/** Fixed-layout integer and text reads over a slice whose length the caller has checked. */
export class ByteView {
  readonly #view: DataView;

  constructor(readonly bytes: Uint8Array) {
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get length(): number {
    return this.bytes.length;
  }

  u8(offset: number): number {
    return this.#view.getUint8(offset);
  }
  u16le(offset: number): number {
    return this.#view.getUint16(offset, true);
  }
  u16be(offset: number): number {
    return this.#view.getUint16(offset, false);
  }
  u32le(offset: number): number {
    return this.#view.getUint32(offset, true);
  }
  u32be(offset: number): number {
    return this.#view.getUint32(offset, false);
  }
  u64le(offset: number): bigint {
    return this.#view.getBigUint64(offset, true);
  }
  u64be(offset: number): bigint {
    return this.#view.getBigUint64(offset, false);
  }

  /** Bytes as Latin-1 characters, so every byte maps to one character and nothing throws. */
  latin1(offset: number, length: number): string {
    return latin1(this.bytes.subarray(offset, offset + length));
  }

  startsWith(signature: Uint8Array, offset = 0): boolean {
    return hasBytesAt(this.bytes, signature, offset);
  }
}

export function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

export function ascii(text: string): Uint8Array {
  return Uint8Array.from(text, (char) => char.charCodeAt(0));
}

export function hasBytesAt(bytes: Uint8Array | undefined, signature: Uint8Array, offset = 0): boolean {
  if (bytes === undefined || offset < 0 || offset + signature.length > bytes.length) return false;
  for (let index = 0; index < signature.length; index += 1) {
    if (bytes[offset + index] !== signature[index]) return false;
  }
  return true;
}

/** A u64 as a JS number when it is exactly representable; undefined beyond 2^53 − 1. */
export function safeNumber(value: bigint): number | undefined {
  return value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : undefined;
}

/** Latin-1 text up to the first NUL (header fields and descriptors are NUL-padded). */
export function textBeforeNul(bytes: Uint8Array): string {
  const end = bytes.indexOf(0);
  return latin1(end < 0 ? bytes : bytes.subarray(0, end));
}

/** Text from a header field for a message: NUL padding cut, control characters escaped, capped. */
export function printableText(raw: string, maxLength = 200): string {
  const nul = raw.indexOf('\0');
  const cut = nul < 0 ? raw : raw.slice(0, nul);
  const escaped = cut.replace(/[\x00-\x1f\x7f-\x9f]/g, (char) => `\\x${char.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return escaped.length > maxLength ? `${escaped.slice(0, maxLength)}…` : escaped;
}
