// `inspect` of a compressed or archived file: what is inside, from the first 64 KiB of the
// unpacked image (and a zip's directory); nothing is written, the rest is never read.
import { checkImageAgainstKey, headBytes, type ImageFacts } from '../../domain/image/index.js';
import { describePacking, type OvfDescriptor, type Packing } from '../../domain/unpacking/index.js';
import type { Problem } from '../../kernel/index.js';
import { checkPacked } from './check-packed.js';
import { decoderName } from './decoders.js';
import { type PackedSource, readAll } from './packed-source.js';
import { headOnlyProblems, previewFacts, previewUnpack } from './preview-unpack.js';

export interface PackedInspection {
  packing: string;
  decoder?: string;
  /** The image's name once unpacked (the sibling's key, for an object). */
  unpackedName?: string;
  member?: string;
  unpackedSizeBytes?: number;
  ovf?: Pick<OvfDescriptor, 'operatingSystem' | 'platform' | 'diskFiles'>;
  /** What the unpacked image's first bytes are; absent when the file could not be unpacked. */
  image?: Pick<ImageFacts, 'format' | 'virtualSizeBytes' | 'details'>;
  problems: Problem[];
  notes: string[];
  bytesRead: number;
}

/** Counts what is read, for the report. */
function counted(source: PackedSource): PackedSource & { bytesRead: number } {
  const wrapped = {
    size: source.size,
    bytesRead: 0,
    async *read(range?: { start: number; end: number }) {
      for await (const chunk of source.read(range)) {
        wrapped.bytesRead += chunk.length;
        yield chunk;
      }
    },
  };
  return wrapped;
}

export async function inspectPacked(name: string, packing: Packing, original: PackedSource, maxBytes: number): Promise<PackedInspection> {
  const source = counted(original);
  const report: PackedInspection = { packing: describePacking(packing), ...(packing.codec !== undefined ? { decoder: decoderName(packing.codec) } : {}), problems: [], notes: [], bytesRead: 0 };
  const finish = () => ({ ...report, bytesRead: source.bytesRead });
  const checked = await checkPacked({ source, key: name, packing, maxBytes }, await readAll(source, { start: 0, end: Math.min(source.size, headBytes) }));
  report.problems.push(...checked.problems);
  if (report.problems.length > 0) return finish();
  let ovf: OvfDescriptor | undefined;
  const preview = await previewUnpack(
    { key: name, packing, packedSource: source, ...checked },
    maxBytes,
    (descriptor) => {
      ovf = descriptor;
    },
  );
  const seen = ovf as OvfDescriptor | undefined;
  if (seen !== undefined) report.ovf = { diskFiles: seen.diskFiles, ...(seen.operatingSystem !== undefined ? { operatingSystem: seen.operatingSystem } : {}), ...(seen.platform !== undefined ? { platform: seen.platform } : {}) };
  if ('problems' in preview) {
    report.problems.push(...preview.problems);
    return finish();
  }
  report.unpackedName = preview.siblingKey;
  if (preview.found.member !== undefined) report.member = preview.found.member;
  const { facts, size, shown } = previewFacts(preview);
  if (size !== undefined) report.unpackedSizeBytes = size;
  report.image = shown;
  report.problems.push(...(headOnlyProblems(preview) ?? checkImageAgainstKey(preview.siblingKey, facts).problems));
  if (!preview.complete) report.notes.push('Only the first 64 KiB of the unpacked image were read: its end (a fixed VHD footer, a raw image\'s size) is checked when it is unpacked for import.');
  return finish();
}
