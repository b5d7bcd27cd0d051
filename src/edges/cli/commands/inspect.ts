import type { DiskFormat } from '../../../domain/jdcloud-rules/index.js';
import { basename } from 'node:path';
import type { Problem } from '../../../kernel/index.js';
import { loadConfig } from '../../../use-cases/config/index.js';
import { loadCredentials } from '../../../adapters/jdcloud/index.js';
import { ossClientFor } from '../../../adapters/oss/index.js';
import { checkImageAgainstKey, describeByteSize, type ImageFacts, inspectImage, systemDiskSizeFromVirtualSize, virtualSizeUnknownProblem } from '../../../domain/image/index.js';
import { exitCodes } from '../exit-codes.js';
import { printJsonError } from '../io.js';
import { parseS3Uri } from '../s3-uri.js';
import { envWithRegionOption } from '../args.js';
import { type CliCommand, jsonOption, regionOption } from './command.js';
import { readLocalImageFile, readObjectImageBytes, type InspectedBytes } from './inspect-sources.js';
import { packingFromKey } from '../../../domain/unpacking/index.js';
import { inspectPackedTarget } from './inspect-packed.js';

/** What `inspect` reports, also its `--json` document. */
export interface InspectReport {
  source: string;
  sizeBytes: number;
  bytesRead: number;
  format: ImageFacts['format'];
  /** The `diskFormat` an import would send; absent when none can be. */
  diskFormat?: DiskFormat;
  virtualSizeBytes: number | null;
  /** Derived from the virtual size, as the function does when `system-disk-size-gb` is not set. */
  systemDiskSizeGB?: number;
  details: ImageFacts['details'];
  importable: boolean;
  problems: Problem[];
  /** A compressed or archived file: how it is packed; the fields above describe the image inside. */
  packed?: PackedSummary;
}

/** What `inspect` says of the packing (issue 14). */
export interface PackedSummary {
  packing: string;
  decoder?: string;
  unpackedName?: string;
  member?: string;
  unpackedSizeBytes?: number;
  ovf?: unknown;
  notes: string[];
}

/** `inspect <file|s3://bucket/key>`: what the image is and whether it can be imported. */
export const inspectCommand: CliCommand = {
  name: 'inspect',
  summary: 'Show an image\'s format, virtual size and every problem (reads only its head and tail; of a .gz, .zip, .ova, …, the image inside)',
  description:
    'Reads the first 64 KiB and the last 1536 bytes of a file or object, then shows the format, the virtual size, the ' +
    'system disk size an import would derive, the details and every problem. Of a compressed or archived file (.gz, .xz, ' +
    '.zst, .bz2, .zip, .tar…, .ova), the image inside, from its first 64 KiB unpacked in memory, and how it is packed. ' +
    'Exit 0 when importable, 3 when not, 1 when the bytes cannot be read.',
  arguments: [{ name: 'image', usage: '<file|s3://bucket/key>', description: 'a local disk image file (or a compressed or archived one), or an object in a bucket', required: true }],
  options: [regionOption, jsonOption],
  environment: ['JDCLOUD_ACCESS_KEY_ID', 'JDCLOUD_SECRET_ACCESS_KEY', 'JDCLOUD_REGION', 'OSS_ENDPOINT', 'IMAGE_UNPACK_MAX_BYTES'],
  examples: ['inspect build/ubuntu-22.04.qcow2', 'inspect s3://disk-images/win/server-2022.vhd --json', 'inspect build/appliance.ova'],
  async run(args, io) {
    const target = args.positionals[0] ?? '';
    const isObject = target.startsWith('s3://');
    const location = isObject ? parseS3Uri(target, { keyRequired: true }) : undefined;
    const env = envWithRegionOption(args, io.env);
    const name = location === undefined ? basename(target) : location.key;
    // Compressed and packaged files (issue 14): what is inside.
    const packing = packingFromKey(name);
    let report: InspectReport;
    try {
      report =
        packing !== undefined
          ? await inspectPackedTarget(target, name, packing, env, location)
          : inspectReport(target, name, location === undefined ? await readLocalImageFile(target) : await readFromObjectStore(env, location));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      io.err(`${message}\n`);
      if (args.values['json'] === true) printJsonError(io, error instanceof Error ? error.name : 'Error', message);
      return exitCodes.failed;
    }
    if (report.packed !== undefined && args.values['json'] !== true) io.out(formatPackedLines(report.packed));
    io.out(args.values['json'] === true ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
    return report.importable ? exitCodes.done : exitCodes.rejected;
  },
};

async function readFromObjectStore(env: NodeJS.ProcessEnv, location: { bucket: string; key: string }): Promise<InspectedBytes> {
  const s3 = ossClientFor(loadConfig(env), loadCredentials(env));
  try {
    return await readObjectImageBytes(s3, location.bucket, location.key);
  } finally {
    s3.destroy();
  }
}

/** The facts, checked against the name, with the system disk size the function would derive. */
export function inspectReport(source: string, key: string, bytes: InspectedBytes): InspectReport {
  // Fix commands name what the user has: the object's key, or the file as they gave it.
  const facts = inspectImage({ head: bytes.head, tail: bytes.tail, size: bytes.size, name: source.startsWith('s3://') ? key : source });
  const checked = checkImageAgainstKey(key, facts);
  const problems = [...checked.problems];
  let systemDiskSizeGB: number | undefined;
  if (facts.virtualSizeBytes !== null) {
    const derived = systemDiskSizeFromVirtualSize(facts.virtualSizeBytes);
    if (derived.ok) systemDiskSizeGB = derived.gb;
    else problems.push(derived.problem);
  } else if (problems.length === 0) {
    problems.push(virtualSizeUnknownProblem(facts.format, key));
  }
  return {
    source,
    sizeBytes: bytes.size,
    bytesRead: bytes.bytesRead,
    format: facts.format,
    ...(checked.format !== undefined ? { diskFormat: checked.format } : {}),
    virtualSizeBytes: facts.virtualSizeBytes,
    ...(systemDiskSizeGB !== undefined ? { systemDiskSizeGB } : {}),
    details: facts.details,
    importable: problems.length === 0,
    problems,
  };
}

/** The lines `inspect` prints above the report of the image inside a packed file. */
function formatPackedLines(packed: PackedSummary): string {
  const lines = [`packed:        ${packed.packing}${packed.decoder !== undefined ? ` (decoder ${packed.decoder})` : ''}`];
  if (packed.unpackedName !== undefined) lines.push(`unpacks to:    ${packed.unpackedName}${packed.member !== undefined ? ` (member ${JSON.stringify(packed.member)})` : ''}${packed.unpackedSizeBytes !== undefined ? `, ${describeByteSize(packed.unpackedSizeBytes)}` : ''}`);
  for (const note of packed.notes) lines.push(`note:          ${note}`);
  return `${lines.join('\n')}\n`;
}

const hiddenDetails = new Set(['summary', 'warnings']);

export function formatReport(report: InspectReport): string {
  const lines = [
    `source:        ${report.source} (${describeByteSize(report.sizeBytes)}; ${report.bytesRead} bytes read)`,
    `format:        ${report.format} — ${report.details.summary}`,
    `disk format:   ${report.diskFormat ?? 'none (not importable as it is)'}`,
    `virtual size:  ${report.virtualSizeBytes === null ? 'unknown' : describeByteSize(report.virtualSizeBytes)}`,
  ];
  if (report.systemDiskSizeGB !== undefined) lines.push(`system disk:   ${report.systemDiskSizeGB} GB (derived when system-disk-size-gb is not set)`);
  const details = Object.entries(report.details).filter(([name]) => !hiddenDetails.has(name));
  if (details.length > 0) {
    lines.push('details:');
    for (const [name, value] of details) lines.push(`  ${name}: ${typeof value === 'string' ? value : JSON.stringify(value)}`);
  }
  if (report.details.warnings.length > 0) {
    lines.push('warnings:');
    for (const warning of report.details.warnings) lines.push(`  - ${warning}`);
  }
  if (report.importable) {
    lines.push('importable:    yes');
  } else {
    lines.push(`importable:    no — ${report.problems.length} problem${report.problems.length === 1 ? '' : 's'}:`);
    for (const problem of report.problems) lines.push(`  - [${problem.code}] ${problem.message}`);
  }
  return `${lines.join('\n')}\n`;
}
