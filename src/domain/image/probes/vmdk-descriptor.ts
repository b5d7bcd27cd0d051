// The VMDK text descriptor (VMware "Virtual Disk Format 5.0" §"The Descriptor File"), either
// embedded in a sparse extent at sector 1 or uploaded alone. Line rules follow oslo's
// check_descriptor (CVE-2022-47951: extents naming host files); parent rules are stricter.
import { contentProblem } from '../format-match.js';
import { convertToQcow2Command, fileArgument, outputArgument } from '../fix-commands.js';
import { printableText } from '../byte-view.js';
import type { Problem } from '../../../kernel/index.js';

export const importableCreateTypes = ['monolithicSparse', 'streamOptimized'] as const;

export interface VmdkExtent {
  access: string;
  sectors: number;
  type: string;
  fileName: string;
  offset?: number;
}

export interface VmdkDescriptor {
  createType: string | undefined;
  parentCid: string | undefined;
  parentFileNameHint: string | undefined;
  extents: VmdkExtent[];
  /** Lines that are none of: comment, blank, key=value, extent, ddb.* */
  invalidLines: string[];
}

const extentPattern = /^(RW|RDONLY|NOACCESS)\s+(\d+)\s+([A-Za-z]+)(?:\s+"([^"]*)")?(?:\s+(\d+))?\s*$/;
const keyValuePattern = /^([A-Za-z][A-Za-z0-9_]*)\s*=\s*(.*)$/;

export function parseVmdkDescriptor(text: string): VmdkDescriptor {
  const descriptor: VmdkDescriptor = {
    createType: undefined,
    parentCid: undefined,
    parentFileNameHint: undefined,
    extents: [],
    invalidLines: [],
  };
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#') || line.startsWith('ddb.')) continue;
    const extent = extentPattern.exec(line);
    if (extent !== null) {
      const parsed: VmdkExtent = {
        access: extent[1] ?? '',
        sectors: Number(extent[2]),
        type: (extent[3] ?? '').toUpperCase(),
        fileName: extent[4] ?? '',
      };
      if (extent[5] !== undefined) parsed.offset = Number(extent[5]);
      descriptor.extents.push(parsed);
      continue;
    }
    const keyValue = keyValuePattern.exec(line);
    if (keyValue !== null) {
      const key = (keyValue[1] ?? '').toLowerCase();
      const value = unquote(keyValue[2] ?? '');
      if (key === 'createtype') descriptor.createType = value;
      if (key === 'parentcid') descriptor.parentCid = value.toLowerCase();
      if (key === 'parentfilenamehint') descriptor.parentFileNameHint = value;
      continue;
    }
    if (descriptor.invalidLines.length < 5) descriptor.invalidLines.push(printableText(line, 80));
  }
  return descriptor;
}

function unquote(value: string): string {
  const trimmed = value.trim();
  return trimmed.length >= 2 && trimmed.startsWith('"') && trimmed.endsWith('"') ? trimmed.slice(1, -1) : trimmed;
}

/** Virtual size of a disk described by extents: their sizes add up. */
export function extentsSizeBytes(extents: VmdkExtent[]): number | null {
  const bytes = extents.reduce((sum, extent) => sum + extent.sectors * 512, 0);
  return Number.isSafeInteger(bytes) ? bytes : null;
}

/** A file name with a directory in it (`/`, `\\`, a drive letter): oslo refuses any `/` (CVE-2022-47951); Windows paths are paths too. */
function isPath(fileName: string): boolean {
  return /[/\\]|^[A-Za-z]:/.test(fileName);
}

/** What to do with a disk spread over files (or not a whole disk): make it one file. `name` is the upload's. */
function convertAdvice(name: string | undefined): string {
  const disk = name ?? 'disk.vmdk';
  return `Convert the whole disk into one file: ${convertToQcow2Command('vmdk', disk)} (run it where the descriptor and all its extent files are), or qemu-img convert -f vmdk -O vmdk -o subformat=streamOptimized ${fileArgument(disk)} ${outputArgument(disk, 'vmdk', '-single')}`;
}

/**
 * Safety problems of a descriptor. `embedded` is true for the descriptor inside a sparse
 * extent, whose single SPARSE extent is the file itself.
 */
export function vmdkDescriptorProblems(descriptor: VmdkDescriptor, embedded: boolean, name: string | undefined): Problem[] {
  const problems: Problem[] = [];
  const advice = convertAdvice(name);
  const createType = descriptor.createType;
  if (createType === undefined) {
    problems.push(contentProblem('vmdk-invalid-descriptor', `The VMDK descriptor has no createType. ${advice}`));
  } else if ((importableCreateTypes as readonly string[]).includes(createType)) {
    // These kinds carry their descriptor inside the sparse extent; a bare descriptor of them
    // is no disk at all, and qemu-img refuses it ("Unsupported image type").
    if (!embedded) {
      problems.push(
        contentProblem(
          'vmdk-invalid-descriptor',
          `The file is only a VMDK descriptor, but its createType "${createType}" means a single file that starts with a "KDMV" header and holds its data; qemu-img refuses such a descriptor ("Unsupported image type '${createType}'"). Upload the disk file itself, or ${advice.charAt(0).toLowerCase()}${advice.slice(1)}`,
          createType,
        ),
      );
    }
  } else {
    problems.push(
      contentProblem(
        'vmdk-unsupported-create-type',
        `The VMDK createType is "${printableText(createType, 60)}"; only single-file monolithicSparse and streamOptimized disks can be imported. ${advice}`,
        printableText(createType, 60),
      ),
    );
  }
  if (descriptor.invalidLines.length > 0) {
    problems.push(
      contentProblem(
        'vmdk-invalid-descriptor',
        `The VMDK descriptor has lines that are not comments, key=value pairs, extents or ddb entries: ${descriptor.invalidLines.map((line) => `"${line}"`).join(', ')}. ${advice}`,
        descriptor.invalidLines[0],
      ),
    );
  }
  if (descriptor.extents.length === 0) {
    problems.push(contentProblem('vmdk-invalid-descriptor', `The VMDK descriptor lists no extents, so it describes no data. ${advice}`));
  }
  const outside = descriptor.extents.filter((extent) =>
    embedded ? extent.type !== 'SPARSE' || isPath(extent.fileName) || descriptor.extents.length > 1 : extent.type !== 'ZERO',
  );
  if (outside.length > 0) {
    const names = outside.map((extent) => `"${printableText(extent.fileName, 120)}" (${extent.type})`).join(', ');
    const why = embedded
      ? 'A single-file VMDK holds exactly one SPARSE extent: itself.'
      : 'This upload is only the descriptor: the data lives in those other files, and an import that opens them could read files it must not (CVE-2022-47951).';
    problems.push(
      contentProblem(
        'vmdk-extent-outside-file',
        `The VMDK descriptor refers to data outside this file: ${names}. ${why} ${advice}`,
        outside.map((extent) => extent.fileName).join(', '),
      ),
    );
  }
  const hasParent = descriptor.parentFileNameHint !== undefined || (descriptor.parentCid !== undefined && descriptor.parentCid !== 'ffffffff');
  if (hasParent) {
    const hint = descriptor.parentFileNameHint === undefined ? '' : ` (parent "${printableText(descriptor.parentFileNameHint, 120)}")`;
    problems.push(
      contentProblem(
        'vmdk-delta-disk',
        `The VMDK is a delta (child) disk${hint}: it holds only the changes against its parent and cannot be imported alone. ${advice}`,
        descriptor.parentFileNameHint ?? descriptor.parentCid,
      ),
    );
  }
  return problems;
}
