import { UsageError } from './args.js';

export interface S3Location {
  bucket: string;
  /** May be empty for a bucket-wide location (`s3://bucket`). */
  key: string;
}

/** Reads `s3://bucket/key`; the key is taken literally (no URL decoding). */
export function parseS3Uri(text: string, options: { keyRequired: boolean }): S3Location {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(text);
  if (match === null || match[1] === undefined) {
    throw new UsageError(`"${text}" is not an s3:// location: use s3://bucket/key.`);
  }
  const key = match[2] ?? '';
  if (options.keyRequired && key === '') {
    throw new UsageError(`"${text}" names no object: use s3://bucket/key.`);
  }
  return { bucket: match[1], key };
}
