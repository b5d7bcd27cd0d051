// qcow2: the parsed header (qcow2-header.ts) turned into details and problems. Safety rules:
// OpenStack oslo.utils format_inspector (backing file, data file, unknown features;
// CVE-2024-32498) plus the stricter ones in docs/reference/disk-images.md §2.2.
import { safeNumber } from '../byte-view.js';
import { describeByteSize, shortByteSize } from '../byte-size-text.js';
import { contentProblem, type FormatMatch } from '../format-match.js';
import { convertToQcow2Command, fileArgument, outputArgument } from '../fix-commands.js';
import type { ImageBytes } from '../image-bytes.js';
import type { Problem } from '../../../kernel/index.js';
import {
  autoclearFeatureNames,
  bitsSet,
  clusterSizeOf,
  compatibleFeatureNames,
  hasBit,
  headerExtension,
  incompatibleFeature,
  incompatibleFeatureNames,
  parseQcow2,
  type Qcow2Header,
  type Qcow2Parse,
  v3MinHeaderLength,
} from './qcow2-header.js';
import { compressionTypeNames, qcow2HeaderProblems } from './qcow2-header-rules.js';

/** `qemu-img convert` reads through backing files and data files and writes one self-contained file. */
function standaloneCommand(name: string | undefined): string {
  return `qemu-img convert -f qcow2 -O qcow2 ${fileArgument(name, 'image.qcow2')} ${outputArgument(name, 'qcow2', '-standalone')}`;
}
const encryptionNames: Record<number, string> = { 0: 'none', 1: 'aes', 2: 'luks' };

export function probeQcow2(bytes: ImageBytes): FormatMatch | undefined {
  const parsed = parseQcow2(bytes);
  switch (parsed.kind) {
    case 'not-qcow2':
      return undefined;
    case 'truncated':
      return truncatedHeader(bytes, parsed.needed, parsed.version);
    case 'qcow-v1':
      return {
        format: 'qcow',
        virtualSizeBytes: null,
        details: { summary: 'qcow version 1 (the predecessor of qcow2)', warnings: [], version: 1 },
        problems: [contentProblem('unsupported-format', `The content is a version 1 qcow image, which JD Cloud does not import. Convert it: ${convertToQcow2Command('qcow', bytes.name)}`, 'qcow')],
      };
    case 'unknown-version':
      return {
        format: 'qcow2',
        virtualSizeBytes: null,
        details: { summary: `qcow2 with unknown version ${parsed.version}`, warnings: [], version: parsed.version },
        problems: [
          contentProblem(
            'qcow2-invalid-header',
            `The qcow2 header has version ${parsed.version}; only versions 2 and 3 exist. The file is damaged or not a qcow2 image.`,
            String(parsed.version),
          ),
        ],
      };
    case 'header':
      return qcow2Match(parsed, bytes);
  }
}

function qcow2Match(parsed: Extract<Qcow2Parse, { kind: 'header' }>, bytes: ImageBytes): FormatMatch {
  const { header } = parsed;
  const virtualSizeBytes = safeNumber(header.size) ?? null;
  const details = qcow2Details(parsed);
  const problems = qcow2Problems(parsed, bytes.size, bytes.name);
  const clusterSize = clusterSizeOf(header);
  details.summary = `qcow2 v${header.version}, ${shortByteSize(clusterSize)} clusters${virtualSizeBytes === null ? '' : `, virtual size ${shortByteSize(virtualSizeBytes)}`}`;
  return { format: 'qcow2', virtualSizeBytes, details, problems };
}

/** What `inspect` shows: version, clusters, encryption, features, extensions, and what only warns. */
function qcow2Details(parsed: Extract<Qcow2Parse, { kind: 'header' }>): FormatMatch['details'] {
  const { header, extensions } = parsed;
  const warnings: string[] = [];
  const details: FormatMatch['details'] = {
    summary: '',
    warnings,
    version: header.version,
    clusterBits: header.clusterBits,
    clusterSizeBytes: header.clusterBits < 32 ? 2 ** header.clusterBits : null,
    encryption: encryptionNames[header.cryptMethod] ?? `unknown (${header.cryptMethod})`,
    snapshots: header.snapshotCount,
    headerExtensions: extensions.extensions.map((extension) => extension.name),
  };
  if (extensions.unread !== undefined) {
    warnings.push(`Header extensions continue beyond the ${extensions.unread.headLength} bytes read; the ones after byte ${extensions.unread.from} were not checked.`);
  }
  const backingFormat = extensionText(parsed, headerExtension.backingFileFormat);
  if (header.backingFileOffset !== 0n || backingFormat !== undefined) {
    details['backingFile'] = parsed.backingFileName ?? null;
    if (backingFormat !== undefined) details['backingFormat'] = backingFormat;
  }
  const dataFile = extensionText(parsed, headerExtension.externalDataFile);
  if (hasBit(header.incompatibleFeatures, incompatibleFeature.externalDataFile) || dataFile !== undefined) details['dataFile'] = dataFile ?? null;
  if (header.version === 3) {
    const name = (names: Record<number, string>) => (bit: number) => names[bit] ?? `bit ${bit}`;
    details['incompatibleFeatures'] = bitsSet(header.incompatibleFeatures).map(name(incompatibleFeatureNames));
    details['compatibleFeatures'] = bitsSet(header.compatibleFeatures).map(name(compatibleFeatureNames));
    details['autoclearFeatures'] = bitsSet(header.autoclearFeatures).map(name(autoclearFeatureNames));
    if (hasBit(header.incompatibleFeatures, incompatibleFeature.dirty)) warnings.push('The image is marked dirty (not closed cleanly); qemu repairs the refcounts when it opens it.');
    if (hasBit(header.incompatibleFeatures, incompatibleFeature.compressionType) && header.headerLength > v3MinHeaderLength) {
      const compression = header.compressionType;
      details['compressionType'] = compression === undefined ? null : (compressionTypeNames[compression] ?? `unknown (${compression})`);
      if (compression === 1) warnings.push('Compressed clusters use zstd; an older qemu on the import side may not read them.');
    }
  }
  return details;
}

function extensionText(parsed: Extract<Qcow2Parse, { kind: 'header' }>, type: number): string | undefined {
  return parsed.extensions.extensions.find((extension) => extension.type === type)?.text;
}

/** Every reason the image cannot be imported as it is. */
function qcow2Problems(parsed: Extract<Qcow2Parse, { kind: 'header' }>, size: number, name: string | undefined): Problem[] {
  const { header } = parsed;
  const problems: Problem[] = qcow2HeaderProblems(header, parsed.extensions);

  const backingFormat = extensionText(parsed, headerExtension.backingFileFormat);
  if (header.backingFileOffset !== 0n || backingFormat !== undefined) {
    const backing = parsed.backingFileName;
    problems.push(
      contentProblem(
        'qcow2-backing-file',
        `The qcow2 image has a backing file${backing === undefined ? '' : ` "${backing}"`}: it holds only the changes against another image and cannot be imported alone. Flatten it into a standalone image: ${standaloneCommand(name)}`,
        backing,
      ),
    );
  }

  const dataFile = extensionText(parsed, headerExtension.externalDataFile);
  if (hasBit(header.incompatibleFeatures, incompatibleFeature.externalDataFile) || dataFile !== undefined) {
    problems.push(
      contentProblem(
        'qcow2-external-data-file',
        `The qcow2 image keeps its data in an external file${dataFile === undefined ? '' : ` "${dataFile}"`} (data_file), which is not part of this upload and would make the import read a file by name. Convert it into a single file: ${standaloneCommand(name)}`,
        dataFile,
      ),
    );
  }

  // oslo treats every bit above compression type as unknown, extended L2 (subclusters) included.
  const unknown = bitsSet(header.incompatibleFeatures).filter((bit) => bit > incompatibleFeature.compressionType);
  if (unknown.length > 0) {
    const names = unknown.map((bit) => (incompatibleFeatureNames[bit] === undefined ? `bit ${bit}` : `bit ${bit} (${incompatibleFeatureNames[bit]})`)).join(', ');
    problems.push(
      contentProblem(
        'qcow2-unknown-features',
        `The qcow2 image uses incompatible features the import cannot rely on: ${names}. Rewrite it without them: qemu-img convert -f qcow2 -O qcow2 -o compat=1.1 ${fileArgument(name, 'image.qcow2')} ${outputArgument(name, 'qcow2', '-plain')}`,
        names,
      ),
    );
  }
  if (hasBit(header.incompatibleFeatures, incompatibleFeature.corrupt)) {
    problems.push(
      contentProblem(
        'qcow2-corrupt',
        `The qcow2 image is marked corrupt (incompatible feature bit 1). Repair it with \`qemu-img check -r all ${fileArgument(name, 'image.qcow2')}\`, or convert a good copy, then upload again.`,
      ),
    );
  }

  if (header.cryptMethod !== 0) {
    const encryption = encryptionNames[header.cryptMethod] ?? `unknown (${header.cryptMethod})`;
    problems.push(
      contentProblem(
        'qcow2-encrypted',
        `The qcow2 image is encrypted (${encryption}); the cloud cannot read it without the key. Decrypt it: qemu-img convert --object secret,id=sec0,file=passphrase.txt --image-opts driver=qcow2,file.filename=${fileArgument(name, 'image.qcow2')},encrypt.key-secret=sec0 -O qcow2 ${outputArgument(name, 'qcow2', '-decrypted')}`,
        encryption,
      ),
    );
  }

  if (!problems.some((problem) => problem.code === 'qcow2-invalid-header')) {
    const truncation = qcow2Truncation(header, size);
    if (truncation !== undefined) problems.push(truncation);
  }
  return problems;
}

function truncatedHeader(bytes: ImageBytes, needed: number, version?: number): FormatMatch {
  const problem = contentProblem(
    'qcow2-truncated',
    `The object starts like a qcow2 image but is ${bytes.size} bytes long; the qcow2 header alone needs ${needed}. The upload is incomplete: upload the whole file again.`,
    String(bytes.size),
  );
  const details: FormatMatch['details'] = { summary: 'qcow2, truncated header', warnings: [] };
  if (version !== undefined) details['version'] = version;
  return { format: 'qcow2', virtualSizeBytes: null, details, problems: [problem] };
}

/** The L1 and refcount tables must lie inside the object; when they do not, bytes are missing. */
function qcow2Truncation(header: Qcow2Header, size: number): Problem | undefined {
  const objectSize = BigInt(size);
  const clusterSize = BigInt(clusterSizeOf(header));
  const tables: Array<[string, bigint, bigint]> = [];
  if (header.l1Size > 0) tables.push(['L1 table', header.l1TableOffset, header.l1TableOffset + BigInt(header.l1Size) * 8n]);
  if (header.refcountTableClusters > 0) {
    tables.push(['refcount table', header.refcountTableOffset, header.refcountTableOffset + BigInt(header.refcountTableClusters) * clusterSize]);
  }
  for (const [name, start, end] of tables) {
    if (end > objectSize) {
      return contentProblem(
        'qcow2-truncated',
        `The qcow2 header places the ${name} at bytes ${start}–${end - 1n}, beyond the end of the object (${describeByteSize(size)}). The upload is incomplete or the file is damaged: upload the whole file again.`,
        String(size),
      );
    }
  }
  return undefined;
}
