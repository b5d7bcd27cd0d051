import { createHash } from 'node:crypto';
import { fcLimits } from '../../../src/domain/jdcloud-rules/index.js';
import { CodePackageTooLargeError } from '../errors.js';
import { listZipEntries } from '../../../src/adapters/jdcloud/fc/index.js';

export interface CodePackageFacts {
  zipBytes: number;
  unzippedBytes: number;
  /** Lower-case hex SHA-256 of the zip: what fc reports as the function's `checkSum`. */
  sha256: string;
  entryNames: string[];
}

const megabytes = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** Measures a function's zip and throws CodePackageTooLargeError when fc would refuse it (unzipped > 250 MB, docs §3.2 Code). */
export function checkCodePackage(functionKey: string, zip: Buffer): CodePackageFacts {
  const entries = listZipEntries(zip);
  const unzippedBytes = entries.reduce((sum, entry) => sum + entry.uncompressedBytes, 0);
  if (unzippedBytes > fcLimits.maxUnzippedCodeBytes) {
    throw new CodePackageTooLargeError(functionKey, `it unzips to ${megabytes(unzippedBytes)}, over the ${megabytes(fcLimits.maxUnzippedCodeBytes)} limit`);
  }
  return {
    zipBytes: zip.length,
    unzippedBytes,
    sha256: createHash('sha256').update(zip).digest('hex'),
    entryNames: entries.map((entry) => entry.name),
  };
}
