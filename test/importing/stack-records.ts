import { GetObjectCommand } from '@aws-sdk/client-s3';
import type { StatusRecord } from '../../src/domain/status/status-record.js';
import type { DevStack } from '../../src/edges/local/dev-stack.js';

/** An S3-style notification for keys in one bucket, as RGW or s3rver send it (raw keys, no region). */
export function rawKeyNotification(bucket: string, keys: string[], eventName = 'ObjectCreated:Put') {
  return {
    Records: keys.map((key) => ({ eventSource: 'ceph:s3', awsRegion: '', eventName, s3: { bucket: { name: bucket }, object: { key } } })),
  };
}

/** The status record of a key, as the pipeline wrote it (default prefix). */
export async function readStatusRecordOf(stack: DevStack, key: string): Promise<StatusRecord> {
  const response = await stack.s3.send(new GetObjectCommand({ Bucket: stack.bucket, Key: `.image-import/${key}.json` }));
  return JSON.parse(await response.Body!.transformToString()) as StatusRecord;
}
