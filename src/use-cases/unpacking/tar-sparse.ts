// GNU sparse members (GNU tar manual, "Sparse Formats"): a raw disk is mostly holes, and
// `tar -S` stores only its data segments plus a map of where they go. Google's documented
// `tar --format=oldgnu -Sczf … disk.raw` writes one. The formats:
// - old GNU (type `S`): the map in the header (4 entries at 386) and extension blocks after it
//   (21 entries each, "more follow" at 504), the real size at 483;
// - pax 0.0: repeated GNU.sparse.offset / GNU.sparse.numbytes records; 0.1: GNU.sparse.map;
// - pax 1.0 (GNU tar's posix default): GNU.sparse.major=1, the map in decimal lines at the start
//   of the member's data, padded to 512 bytes; the header's name is `./GNUSparseFile.N/<name>`,
//   the real one is GNU.sparse.name.
// Unpacked, the holes are zeros again: the sibling is the whole disk, never the map. What cannot
// be read exactly is refused (an Error here: the caller makes it unpack-corrupt).

export interface SparseSegment {
  offset: number;
  size: number;
}

/** A sparse member as its headers describe it; `segments` is undefined for pax 1.0 (the map is in the data). */
export interface SparseMember {
  format: 'old GNU' | 'pax 0.0' | 'pax 0.1' | 'pax 1.0';
  /** The disk's size with its holes. */
  realSize: number;
  /** The real name, where the format keeps it apart from the header's. */
  name?: string;
  segments?: SparseSegment[];
}

/** Far above a real disk's data runs (tar lists each run of non-zero blocks), and at most ~50 MB of map. */
export const maxSparseSegments = 1_000_000;

/** Checks a map against the real size and the stored bytes; the message says what is wrong. */
export function sparseMapProblem(segments: readonly SparseSegment[], realSize: number, storedBytes: number): string | undefined {
  let end = 0;
  let stored = 0;
  for (const segment of segments) {
    if (segment.offset < end || segment.offset + segment.size > realSize) {
      return `its sparse map has a segment of ${segment.size} bytes at ${segment.offset}, out of order or past its size of ${realSize} bytes`;
    }
    end = segment.offset + segment.size;
    stored += segment.size;
  }
  if (stored !== storedBytes) return `its sparse map accounts for ${stored} bytes, but ${storedBytes} are stored`;
  return undefined;
}

/** Of a pax header's records (in order; 0.0 repeats its keys): the sparse member they describe, undefined when none. */
export function paxSparseMember(records: ReadonlyArray<readonly [string, string]>): SparseMember | undefined {
  if (!records.some(([key]) => key.startsWith('GNU.sparse.'))) return undefined;
  // The last of a repeated key counts (pax); no findLast: the function runs on Node 16.
  const value = (name: string) => records.filter(([key]) => key === name).pop()?.[1];
  const name = value('GNU.sparse.name');
  const named = name !== undefined ? { name } : {};
  const major = value('GNU.sparse.major');
  const minor = value('GNU.sparse.minor');
  if (major !== undefined || minor !== undefined) {
    if (major !== '1' || minor !== '0') throw new Error(`it is stored in GNU sparse format ${major ?? '?'}.${minor ?? '?'}, which is not read (GNU tar writes 1.0)`);
    if (name === undefined) throw new Error('it is a GNU sparse 1.0 member without GNU.sparse.name, so its real name is unknown');
    return { format: 'pax 1.0', realSize: decimal(value('GNU.sparse.realsize'), 'GNU.sparse.realsize'), ...named };
  }
  const realSize = decimal(value('GNU.sparse.size'), 'GNU.sparse.size');
  const map = value('GNU.sparse.map');
  if (map !== undefined) return { format: 'pax 0.1', realSize, ...named, segments: pairs(map.split(',').map((text) => decimal(text, 'GNU.sparse.map'))) };
  const numbers = records.filter(([key]) => key === 'GNU.sparse.offset' || key === 'GNU.sparse.numbytes').map(([key, text]) => decimal(text, key));
  if (numbers.length === 0) throw new Error('it has GNU.sparse records but no map');
  return { format: 'pax 0.0', realSize, ...named, segments: pairs(numbers) };
}

/**
 * Reads the decimal map at the start of a pax 1.0 member's data, one 512-byte block at a time
 * (its count line, then an offset and a size line per segment, zero-padded to the block).
 */
export async function readSparseMap10(readBlock: () => Promise<Uint8Array | undefined>, storedBytes: number): Promise<{ segments: SparseSegment[]; mapBytes: number }> {
  const numbers: number[] = [];
  let wanted = 1;
  let digits = '';
  let mapBytes = 0;
  while (numbers.length < wanted) {
    if (mapBytes >= storedBytes) throw new Error(`its sparse map runs past its ${storedBytes} stored bytes`);
    const block = await readBlock();
    if (block === undefined) throw new Error('the stream ended in a sparse map');
    mapBytes += block.length;
    for (const byte of block) {
      if (numbers.length === wanted) break;
      if (byte !== 0x0a) {
        if (byte < 0x30 || byte > 0x39 || digits.length >= 16) throw new Error('its sparse map holds something other than decimal lines');
        digits += String.fromCharCode(byte);
        continue;
      }
      numbers.push(decimal(digits, 'sparse map'));
      digits = '';
      if (numbers.length === 1) wanted = 1 + 2 * segmentCount(numbers[0] ?? 0);
    }
  }
  return { segments: pairs(numbers.slice(1)), mapBytes };
}

/** The old GNU map entries of one header or extension block: `count` pairs of 12-byte numbers at `at`, up to the first empty one. */
export function oldGnuSegments(block: Uint8Array, at: number, count: number, number: (field: Uint8Array) => number): SparseSegment[] {
  const segments: SparseSegment[] = [];
  for (let index = 0; index < count; index++) {
    const start = at + index * 24;
    if (block[start] === 0) break;
    segments.push({ offset: number(block.subarray(start, start + 12)), size: number(block.subarray(start + 12, start + 24)) });
  }
  return segments;
}

export function segmentCount(count: number): number {
  if (count > maxSparseSegments) throw new Error(`its sparse map has ${count} segments, more than the ${maxSparseSegments} read`);
  return count;
}

function pairs(numbers: number[]): SparseSegment[] {
  if (numbers.length % 2 !== 0) throw new Error('its sparse map has an odd number of entries');
  segmentCount(numbers.length / 2);
  const segments: SparseSegment[] = [];
  for (let index = 0; index < numbers.length; index += 2) segments.push({ offset: numbers[index] ?? 0, size: numbers[index + 1] ?? 0 });
  return segments;
}

function decimal(text: string | undefined, what: string): number {
  if (text === undefined || !/^\d{1,16}$/.test(text)) throw new Error(`its ${what} is ${text === undefined ? 'missing' : JSON.stringify(text)}, not a decimal number`);
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new Error(`its ${what} ${text} is too large`);
  return value;
}

/** One zeroed MiB, handed out again and again: a 10 GiB hole is 10240 writes of it, never 10 GiB held. */
let zeros: Uint8Array | undefined;

/** The disk with its holes: zeros up to each segment, the segment's stored bytes, zeros to the end. */
export async function* expandSparse(segments: readonly SparseSegment[], realSize: number, stored: (length: number) => AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> {
  zeros ??= new Uint8Array(2 ** 20);
  const zeroed = zeros;
  let at = 0;
  function* zeroTo(end: number): Iterable<Uint8Array> {
    while (at < end) {
      const length = Math.min(zeroed.length, end - at);
      at += length;
      yield zeroed.subarray(0, length);
    }
  }
  for (const segment of segments) {
    yield* zeroTo(segment.offset);
    yield* stored(segment.size);
    at += segment.size;
  }
  yield* zeroTo(realSize);
}
