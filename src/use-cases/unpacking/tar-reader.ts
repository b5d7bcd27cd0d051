// POSIX ustar with the GNU (`L`/`K` long names, base-256 sizes, `S` sparse) and pax (`x`/`g`,
// GNU.sparse.*) extensions: what GNU tar, bsdtar, Python's tarfile and OVA writers produce.
// Headers are checked by their checksum, so a corrupt stream is refused instead of being read as
// garbage; a sparse member is read with its holes (tar-sparse.ts).
import type { ByteReader } from './byte-reader.js';
import { expandSparse, maxSparseSegments, oldGnuSegments, paxSparseMember, readSparseMap10, type SparseMember, sparseMapProblem } from './tar-sparse.js';

export interface TarEntry {
  name: string;
  kind: 'file' | 'directory' | 'link' | 'other';
  /** The member's size as extracted: a sparse member's with its holes. */
  size: number;
  /** Set for a GNU sparse member: which of GNU tar's formats holds it. */
  sparse?: SparseMember['format'];
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

/** In order, repeats kept: pax 0.0 sparse maps repeat GNU.sparse.offset/numbytes. */
function paxRecords(body: Uint8Array): Array<[string, string]> {
  const records: Array<[string, string]> = [];
  const textBody = utf8.decode(body);
  for (const line of textBody.split('\n')) {
    const match = /^\d+ ([^=]+)=(.*)$/s.exec(line);
    if (match !== null) records.push([match[1] ?? '', match[2] ?? '']);
  }
  return records;
}

function lastRecord(records: ReadonlyArray<[string, string]>, name: string): string | undefined {
  return records.filter(([key]) => key === name).pop()?.[1];
}

const kinds: Record<string, TarEntry['kind']> = { '0': 'file', '\0': 'file', '7': 'file', S: 'file', '5': 'directory', '1': 'link', '2': 'link' };

/** Entries one at a time; the caller reads an entry's body with `body()` or leaves it (it is skipped). */
export class TarReader {
  private left = 0;
  private padding = 0;
  private sparse: { member: SparseMember; name: string } | undefined;

  constructor(private readonly reader: ByteReader) {}

  async next(): Promise<TarEntry | undefined> {
    await this.reader.skip(this.left + this.padding);
    this.left = 0;
    this.padding = 0;
    this.sparse = undefined;
    let longName: string | undefined;
    let pax: Array<[string, string]> = [];
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
      const headerName = lastRecord(pax, 'path') ?? longName ?? (prefix === '' ? shortName : `${prefix}/${shortName}`);
      const paxSize = lastRecord(pax, 'size');
      const stored = paxSize !== undefined && /^\d+$/.test(paxSize) ? Number(paxSize) : size;
      const sparse = await this.sparseMember(type, header, pax, lastRecord(pax, 'GNU.sparse.name') ?? headerName);
      const name = sparse?.name ?? headerName;
      this.left = stored;
      this.padding = Math.ceil(stored / block) * block - stored;
      if (sparse !== undefined) this.sparse = { member: sparse, name };
      return { name, kind: kinds[type] ?? 'other', size: sparse?.realSize ?? stored, ...(sparse !== undefined ? { sparse: sparse.format } : {}) };
    }
  }

  /** Old GNU (type S: the map in the header and the extension blocks after it) or pax GNU.sparse.* records. */
  private async sparseMember(type: string, header: Uint8Array, pax: ReadonlyArray<[string, string]>, name: string): Promise<SparseMember | undefined> {
    try {
      if (type !== 'S') return paxSparseMember(pax);
      const segments = oldGnuSegments(header, 386, 4, number);
      // Counted by blocks too: empty extension blocks that all say "more follow" add no segment.
      for (let more = header[482] !== 0, blocks = 1; more; blocks++) {
        if (blocks > maxSparseSegments / 21 + 1) throw new Error(`its sparse map has more than the ${maxSparseSegments} segments read`);
        const extension = await this.reader.readExactly(block);
        if (extension === undefined) throw new Error('the stream ended in its sparse map');
        segments.push(...oldGnuSegments(extension, 0, 21, number));
        more = extension[504] !== 0;
      }
      return { format: 'old GNU', realSize: number(header.subarray(483, 495)), segments };
    } catch (error) {
      throw new Error(`the sparse member ${JSON.stringify(name)} cannot be read: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** The current entry's bytes, as they arrive; a sparse member's with its holes as zeros. */
  async *body(): AsyncIterable<Uint8Array> {
    const length = this.left;
    this.left = 0;
    const sparse = this.sparse;
    this.sparse = undefined;
    if (sparse === undefined) {
      yield* this.reader.take(length);
      return;
    }
    const { member, name } = sparse;
    let segments = member.segments;
    let dataBytes = length;
    if (segments === undefined) {
      const map = await readSparseMap10(() => this.reader.readExactly(block), length).catch((error: unknown) => {
        throw new Error(`the sparse member ${JSON.stringify(name)} cannot be read: ${error instanceof Error ? error.message : String(error)}`);
      });
      segments = map.segments;
      dataBytes = length - map.mapBytes;
    }
    const problem = sparseMapProblem(segments, member.realSize, dataBytes);
    if (problem !== undefined) throw new Error(`the sparse member ${JSON.stringify(name)} cannot be read: ${problem}`);
    yield* expandSparse(segments, member.realSize, (stored) => this.reader.take(stored));
  }

  /**
   * After the end marker: reads the rest, which must be zeros (tar pads to its record size). Only
   * a stream read to its end has its gzip CRC/ISIZE, bzip2 CRC, xz check or zstd checksum verified
   * by the decoder; tar's own checksums cover the headers alone.
   */
  async readToEnd(): Promise<void> {
    let trailing = 0;
    for await (const piece of this.reader.rest()) {
      for (const byte of piece) if (byte !== 0) throw new Error('there are data after the tar end marker');
      trailing += piece.length;
      if (trailing > maxTrailingZeros) throw new Error(`more than ${maxTrailingZeros} bytes of zeros follow the tar end marker`);
    }
  }
}

/** GNU tar pads to 10 KiB records (`-b 20`); even `-b 8192` is 4 MiB. More is not an archive's padding. */
const maxTrailingZeros = 16 * 2 ** 20;
