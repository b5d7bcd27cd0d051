import { GetObjectCommand, HeadObjectCommand, ListMultipartUploadsCommand, type S3Client } from '@aws-sdk/client-s3';

/** The object's bytes, or undefined when there is none. */
export async function objectBytes(s3: S3Client, bucket: string, key: string): Promise<Buffer | undefined> {
  try {
    const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return Buffer.from(await response.Body!.transformToByteArray());
  } catch (error) {
    if (error instanceof Error && (error.name === 'NoSuchKey' || error.name === 'NotFound')) return undefined;
    throw error;
  }
}

/** The object's user metadata (names lower-case). */
export async function objectMetadata(s3: S3Client, bucket: string, key: string): Promise<Record<string, string>> {
  const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
  return Object.fromEntries(Object.entries(head.Metadata ?? {}).map(([name, value]) => [name.toLowerCase(), value]));
}

/** The keys of the multipart uploads in progress under `prefix`. */
export async function uploadsInProgress(s3: S3Client, bucket: string, prefix: string): Promise<string[]> {
  const listed = await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: prefix }));
  return (listed.Uploads ?? []).map((upload) => upload.Key ?? '');
}

/** A status record, parsed; undefined when there is none. */
export async function statusRecordOf(s3: S3Client, bucket: string, key: string): Promise<Record<string, unknown> | undefined> {
  const bytes = await objectBytes(s3, bucket, `.image-import/${key}.json`);
  return bytes === undefined ? undefined : (JSON.parse(bytes.toString('utf8')) as Record<string, unknown>);
}
