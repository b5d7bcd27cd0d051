// Zips made by Info-ZIP's zip, for the zip tests: zip64 records forced on a small file (-fz),
// data descriptors (written when zip's output is a pipe), and byte edits of what zip wrote (a
// member renamed to climb out, a local header that disagrees, a bad offset, a damaged byte).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * `zip -q <args> out.zip <names>`. Streamed `output`: zip writes to a pipe, so each member gets a
 * data descriptor (its local header has the size, not the CRC-32). Streamed `input`: the one file
 * is a FIFO zip reads (-FI) as it would stdin, so its local header has neither.
 */
export function zipFiles(files: Array<{ name: string; bytes: Uint8Array }>, args: string[] = [], options: { streamed?: 'output' | 'input' } = {}): Buffer {
  const directory = mkdtempSync(join(tmpdir(), 'oss-image-import-zip-'));
  try {
    for (const file of files) {
      mkdirSync(dirname(join(directory, file.name)), { recursive: true });
      writeFileSync(join(directory, file.name), file.bytes);
    }
    const names = files.map((file) => file.name);
    if (options.streamed === 'output') execFileSync('sh', ['-c', 'zip -q "$@" | cat > out.zip', 'sh', ...args, '-D', '-', ...names], { cwd: directory });
    else if (options.streamed === 'input') execFileSync('sh', ['-c', 'mv "$1" in.data && mkfifo "$1" && { cat in.data > "$1" & } && zip -q -FI - "$1" | cat > out.zip', 'sh', ...names.slice(0, 1)], { cwd: directory });
    else execFileSync('zip', ['-q', ...args, '-D', 'out.zip', ...names], { cwd: directory });
    return readFileSync(join(directory, 'out.zip'));
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

/** The CRC-32 gzip computes (its trailer, RFC 1952 §2.3.1): an implementation independent of ours. */
export function crc32ByGzip(bytes: Uint8Array): number {
  const gzipped = execFileSync('gzip', ['-c', '-1'], { input: bytes, maxBuffer: 1 << 30 });
  return gzipped.readUInt32LE(gzipped.length - 8);
}

/** Where the central directory entry of the only member starts. */
export function centralEntryOffset(zip: Buffer): number {
  const at = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
  if (at < 0) throw new Error('no central directory entry');
  return at;
}

/** A copy with `from` replaced by `to` (same length) at each place zip wrote it; throws unless there are `count`. */
export function renamed(zip: Buffer, from: string, to: string, count = 2): Buffer {
  if (from.length !== to.length) throw new Error('same length only: the offsets after the name stay valid');
  const copy = Buffer.from(zip);
  let found = 0;
  for (let at = copy.indexOf(from); at >= 0; at = copy.indexOf(from, at + 1)) {
    copy.write(to, at, 'latin1');
    found += 1;
  }
  if (found !== count) throw new Error(`${JSON.stringify(from)} found ${found} times, not ${count}`);
  return copy;
}

/** A copy with one 16- or 32-bit little-endian field set. */
export function withField(zip: Buffer, at: number, bytes: 2 | 4, value: number): Buffer {
  const copy = Buffer.from(zip);
  if (bytes === 2) copy.writeUInt16LE(value, at);
  else copy.writeUInt32LE(value, at);
  return copy;
}
