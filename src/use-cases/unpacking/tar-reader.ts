// POSIX ustar with the GNU (`L`/`K` long names, base-256 sizes) and pax (`x`/`g`) extensions:
// what GNU tar, bsdtar, Python's tarfile and OVA writers produce. Headers are checked by their
// checksum, so a corrupt stream is refused instead of being read as garbage.
import type { ByteReader } from './byte-reader.js';

export interface TarEntry {
  name: string;
  kind: 'file' | 'directory' | 'link' | 'sparse' | 'other';
  size: number;
}

const block = 512;
const latin1 = new TextDecoder('latin1');
const utf8 = new TextDecoder();

function text(bytes: Uint8Array, decoder = latin1): string {
  const end = bytes.indexOf(0);
  return decoder.decode(end < 0 ? bytes : bytes.subarray(0, end));
}

function number(field: Uint8Array): number {
  if (((field[0] ?? 0) & 0x80) !== 0) {
    let value = BigInt((field[0] ?? 0) & 0x7f);
    for (const byte of field.subarray(1)) value = (value << 8n) | BigInt(byte);
    return Number(value);
  }
  const digits = latin1.decode(field).replace(/\0.*$/s, '').trim();
  if (digits === '') return 0;
  if (!/^[0-7]+$/.test(digits)) throw new Error(`a tar header has a bad number "${digits}"`);
  return parseInt(digits, 8);
}

function checksumOk(header: Uint8Array): boolean {
  let sum = 0;
  for (let index = 0; index < block; index++) sum += index >= 148 && index < 156 ? 0x20 : (header[index] ?? 0);
  return number(header.subarray(148, 156)) === sum;
}

function paxRecords(body: Uint8Array): Map<string, string> {
  const records = new Map<string, string>();
  const textBody = utf8.decode(body);
  for (const line of textBody.split('\n')) {
    const match = /^\d+ ([^=]+)=(.*)$/s.exec(line);
    if (match !== null) records.set(match[1] ?? '', match[2] ?? '');
  }
  return records;
}

const kinds: Record<string, TarEntry['kind']> = { '0': 'file', '\0': 'file', '7': 'file', '5': 'directory', '1': 'link', '2': 'link', S: 'sparse' };

/** Entries one at a time; the caller reads an entry's body with `body()` or leaves it (it is skipped). */
export class TarReader {
  private left = 0;
  private padding = 0;

  constructor(private readonly reader: ByteReader) {}

  async next(): Promise<TarEntry | undefined> {
    await this.reader.skip(this.left + this.padding);
    this.left = 0;
    this.padding = 0;
    let longName: string | undefined;
    let pax = new Map<string, string>();
    for (;;) {
      const header = await this.reader.readExactly(block);
      if (header === undefined || header.every((byte) => byte === 0)) return undefined;
      if (!checksumOk(header)) throw new Error('a tar header fails its checksum');
      const type = String.fromCharCode(header[156] ?? 0);
      const size = number(header.subarray(124, 136));
      const padded = Math.ceil(size / block) * block;
      if (type === 'L' || type === 'x' || type === 'K' || type === 'g') {
        if (size > 1024 * 1024) throw new Error(`a tar extended header of ${size} bytes`);
        const body = (await this.reader.readExactly(padded)) ?? new Uint8Array(0);
        if (type === 'L') longName = text(body.subarray(0, size), utf8);
        if (type === 'x') pax = paxRecords(body.subarray(0, size));
        continue;
      }
      const ustar = latin1.decode(header.subarray(257, 262)) === 'ustar';
      const prefix = ustar && header[263] === 0x30 ? text(header.subarray(345, 500)) : '';
      const shortName = text(header.subarray(0, 100));
      const name = pax.get('path') ?? longName ?? (prefix === '' ? shortName : `${prefix}/${shortName}`);
      const paxSize = pax.get('size');
      const entrySize = paxSize !== undefined && /^\d+$/.test(paxSize) ? Number(paxSize) : size;
      this.left = entrySize;
      this.padding = Math.ceil(entrySize / block) * block - entrySize;
      return { name, kind: kinds[type] ?? 'other', size: entrySize };
    }
  }

  /** The current entry's bytes, as they arrive. */
  async *body(): AsyncIterable<Uint8Array> {
    const length = this.left;
    this.left = 0;
    yield* this.reader.take(length);
  }
}
