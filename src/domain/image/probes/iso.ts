// ISO 9660 (ECMA-119) and UDF: volume descriptors start at sector 16 (byte 32768) of 2048-byte
// sectors. Recognised so they can be rejected: JD Cloud does not import installer media.
import { ascii, ByteView, hasBytesAt, printableText } from '../byte-view.js';
import { shortByteSize } from '../byte-size-text.js';
import { contentProblem, type FormatMatch } from '../format-match.js';
import type { ImageBytes } from '../image-bytes.js';
import { describePartitionTable } from './partition-table.js';

const descriptorsStart = 32768;
const sectorSize = 2048;
const identifiers = ['CD001', 'BEA01', 'NSR02', 'NSR03'].map(ascii);
const iso9660 = ascii('CD001');

export function probeIso(bytes: ImageBytes): FormatMatch | undefined {
  const first = bytes.slice(descriptorsStart, 7);
  if (first === undefined || !identifiers.some((identifier) => hasBytesAt(first, identifier, 1))) return undefined;

  const warnings: string[] = [];
  const details: FormatMatch['details'] = { summary: '', warnings, standard: hasBytesAt(first, iso9660, 1) ? 'ISO 9660' : 'UDF' };
  let virtualSizeBytes: number | null = null;
  // The primary volume descriptor (type 1) is usually first; boot records may precede it.
  for (let sector = 16; sector < 32; sector += 1) {
    const descriptor = bytes.slice(sector * sectorSize, sectorSize);
    if (descriptor === undefined || !hasBytesAt(descriptor, iso9660, 1)) break;
    const view = new ByteView(descriptor);
    const type = view.u8(0);
    if (type === 255) break;
    if (type !== 1) continue;
    virtualSizeBytes = view.u32le(80) * view.u16le(128);
    details['volumeId'] = printableText(view.latin1(40, 32).trimEnd());
    break;
  }
  if (virtualSizeBytes !== null && virtualSizeBytes > bytes.size) {
    warnings.push(`The volume is ${virtualSizeBytes} bytes but the object only ${bytes.size}: the file is truncated.`);
  }
  const partitions = describePartitionTable(bytes);
  if (partitions.details.scheme !== 'none') details['hybrid'] = partitions.details.description;
  details.summary = `${String(details['standard'])} optical disc image${virtualSizeBytes === null ? '' : `, ${shortByteSize(virtualSizeBytes)}`}`;
  return {
    format: 'iso',
    virtualSizeBytes,
    details,
    problems: [
      contentProblem(
        'iso-image',
        'The content is an ISO/UDF optical disc image (installer media); JD Cloud imports disk images only. Install the operating system into a virtual machine disk (e.g. virt-install or VirtualBox), then upload that disk as qcow2.',
        'iso',
      ),
    ],
  };
}
