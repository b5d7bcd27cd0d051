// Bytes read from the object store per image, and inspector throughput. Images are made by
// qemu-img at 64 MiB, 1 GiB and 20 GiB virtual size in every format, converted from a sparse
// raw disk whose first MiB holds data (so that every file, like a real image, is larger than
// what is read); the bytes read are what `inspect` reads (imageByteRanges: 64 KiB + 1536 B).
import { randomBytes } from 'node:crypto';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type InspectedBytes, readLocalImageFile } from '../src/edges/cli/index.js';
import { inspectImage } from '../src/domain/image/index.js';

const execFileAsync = promisify(execFile);
const targetBytes = 128 * 1024;

const formats: Array<{ name: string; detected: string; qemuFormat: string; options: string[]; extension: string }> = [
  { name: 'qcow2', detected: 'qcow2', qemuFormat: 'qcow2', options: [], extension: 'qcow2' },
  { name: 'vhd-dynamic', detected: 'vhd', qemuFormat: 'vpc', options: [], extension: 'vhd' },
  { name: 'vhd-fixed', detected: 'vhd', qemuFormat: 'vpc', options: ['-o', 'subformat=fixed'], extension: 'vhd' },
  { name: 'vmdk-monolithicSparse', detected: 'vmdk', qemuFormat: 'vmdk', options: ['-o', 'subformat=monolithicSparse'], extension: 'vmdk' },
  { name: 'vmdk-streamOptimized', detected: 'vmdk', qemuFormat: 'vmdk', options: ['-o', 'subformat=streamOptimized'], extension: 'vmdk' },
  { name: 'vhdx', detected: 'vhdx', qemuFormat: 'vhdx', options: [], extension: 'vhdx' },
  // The other formats are converted from these sparse raw files.
  { name: 'raw', detected: 'raw', qemuFormat: 'raw', options: [], extension: 'raw' },
];
const sizes: Array<[label: string, bytes: number]> = [
  ['64MiB', 64 * 2 ** 20],
  ['1GiB', 2 ** 30],
  ['20GiB', 20 * 2 ** 30],
];

export async function run(): Promise<Record<string, unknown>> {
  const dir = await mkdtemp(join(tmpdir(), 'oss-image-import-bench-'));
  try {
    for (const [label, size] of sizes) {
      const source = join(dir, `source-${label}.raw`);
      await writeFile(source, randomBytes(1024 * 1024));
      await truncate(source, size);
    }
    const bytesRead: Record<string, Record<string, unknown>> = {};
    const samples: Array<{ name: string; bytes: InspectedBytes }> = [];
    for (const format of formats) {
      const row: Record<string, unknown> = {};
      const fileSizes: Record<string, number> = {};
      const reads: number[] = [];
      for (const [label] of sizes) {
        const source = join(dir, `source-${label}.raw`);
        const file = format.name === 'raw' ? source : join(dir, `${format.name}-${label}.${format.extension}`);
        if (format.name !== 'raw') await execFileAsync('qemu-img', ['convert', '-f', 'raw', '-O', format.qemuFormat, ...format.options, source, file]);
        const bytes = await readLocalImageFile(file);
        const facts = inspectImage(bytes);
        if (facts.format !== format.detected || facts.problems.length > (format.name === 'vhdx' ? 1 : 0)) {
          throw new Error(`${file} inspected as ${facts.format}: ${facts.problems.map((problem) => problem.message).join(' ')}`);
        }
        row[label] = bytes.bytesRead;
        reads.push(bytes.bytesRead);
        fileSizes[label] = (await stat(file)).size;
        if (label === '1GiB') samples.push({ name: format.name, bytes });
      }
      row['fileSizeBytes'] = fileSizes;
      row['maxBytesRead'] = Math.max(...reads);
      row['withinTarget'] = Math.max(...reads) <= targetBytes;
      row['identicalAcrossSizes'] = reads.every((read) => read === reads[0]);
      bytesRead[format.name] = row;
    }

    const throughput: Record<string, number> = {};
    for (const sample of samples) throughput[sample.name] = imagesPerSecond([sample.bytes]);
    throughput['all formats, round robin'] = imagesPerSecond(samples.map((sample) => sample.bytes));

    return {
      targetBytesPerImage: targetBytes,
      bytesReadPerImage: bytesRead,
      inspectorImagesPerSecond: throughput,
      note: 'Bytes read = min(object size, 65536 + 1536), whatever the virtual size: an object smaller than 67072 bytes (e.g. an empty dynamic VHD) is read whole.',
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Inspections per second over about 300 ms, after a warm-up. */
function imagesPerSecond(inputs: InspectedBytes[]): number {
  for (let index = 0; index < 200; index += 1) inspectImage(inputs[index % inputs.length] as InspectedBytes);
  let count = 0;
  const start = process.hrtime.bigint();
  let elapsed = 0n;
  while (elapsed < 300_000_000n) {
    for (let batch = 0; batch < 50; batch += 1) inspectImage(inputs[(count + batch) % inputs.length] as InspectedBytes);
    count += 50;
    elapsed = process.hrtime.bigint() - start;
  }
  return Math.round((count * 1e9) / Number(elapsed));
}
