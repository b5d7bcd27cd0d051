import { createHash } from 'node:crypto';
import { fcLimits } from '../../../src/domain/jdcloud-rules/index.js';
import { CodePackageTooLargeError } from '../errors/code-package-too-large-error.js';
import { listZipEntries } from './zip-contents.js';

export interface CodePackageFacts {
  zipBytes: number;
  unzippedBytes: number;
  /** Lower-case hex SHA-256 of the zip: what fc reports as the function's `checkSum`. */
  sha256: string;
  entryNames: string[];
}

const megabytes = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** Measures a function's zip and throws CodePackageTooLargeError when fc would refuse it. */
export function checkCodePackage(functionKey: string, zip: Buffer): CodePackageFacts {
  const entries = listZipEntries(zip);
  const unzippedBytes = entries.reduce((sum, entry) => sum + entry.uncompressedBytes, 0);
  if (zip.length > fcLimits.maxZipCodeBytes) {
    throw new CodePackageTooLargeError(functionKey, `the zip is ${megabytes(zip.length)}, over the ${megabytes(fcLimits.maxZipCodeBytes)} limit`);
  }
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
