// Raw has no header: it is what an object is when no other format matches, and its virtual
// size is the object size. What it starts with (MBR, GPT, nothing) is worth telling the user.
import { describeByteSize, shortByteSize } from '../byte-size-text.js';
import { contentProblem, type FormatMatch } from '../format-match.js';
import type { ImageBytes } from '../image-bytes.js';
import { describePartitionTable } from './partition-table.js';

export function rawImage(bytes: ImageBytes): FormatMatch {
  const partitions = describePartitionTable(bytes);
  const problems = [...partitions.problems];
  if (bytes.size % 512 !== 0) {
    problems.unshift(
      contentProblem(
        'raw-size-not-sector-multiple',
        `The raw image is ${describeByteSize(bytes.size)}, not a whole number of 512-byte sectors. A disk is whole sectors: the upload is probably incomplete. Upload the whole image again.`,
        String(bytes.size),
      ),
    );
  }
  return {
    format: 'raw',
    virtualSizeBytes: bytes.size,
    details: {
      summary: `raw, ${partitions.details.description}, ${shortByteSize(bytes.size)}`,
      warnings: partitions.warnings,
      partitionTable: partitions.details,
    },
    problems,
  };
}
