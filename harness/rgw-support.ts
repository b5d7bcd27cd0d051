// What the RGW suites and bench/rgw.bench.ts share: clients, throwaway buckets, notification
// topics. Not a test file (no .test.ts), and free of node:test.
import { randomBytes } from 'node:crypto';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteBucketCommand,
  DeleteObjectsCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  PutBucketNotificationConfigurationCommand,
  S3Client,
  UploadPartCommand,
  type CreateMultipartUploadCommandInput,
} from '@aws-sdk/client-s3';
import { CreateTopicCommand, DeleteTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { createOssClient } from '../src/adapters/oss/index.js';
import { startVmEmulator, type VmEmulator } from '../src/edges/local/index.js';
import type { RgwEndpoint } from './find-rgw.js';

export type { RgwEndpoint };

/** The product's own S3 client settings (path style, checksums only when required), on RGW. */
export function rgwS3(rgw: RgwEndpoint, credentials: { accessKeyId: string; secretAccessKey: string } = rgw): S3Client {
  return createOssClient({ region: rgw.region, endpoint: rgw.endpoint, credentials, maxAttempts: 1 });
}

export function rgwSns(rgw: RgwEndpoint): SNSClient {
  return new SNSClient({ endpoint: rgw.endpoint, region: rgw.region, credentials: rgw, maxAttempts: 1 });
}

/** A multipart upload of `parts` (each but the last at least 5 MiB), completed; `start` names the object and what it carries. */
export async function uploadInParts(s3: S3Client, start: CreateMultipartUploadCommandInput & { Bucket: string; Key: string }, parts: Uint8Array[]): Promise<void> {
  const created = await s3.send(new CreateMultipartUploadCommand(start));
  const uploaded = await Promise.all(
    parts.map((part, index) => s3.send(new UploadPartCommand({ Bucket: start.Bucket, Key: start.Key, UploadId: created.UploadId, PartNumber: index + 1, Body: part }))),
  );
  await s3.send(
    new CompleteMultipartUploadCommand({
      Bucket: start.Bucket,
      Key: start.Key,
      UploadId: created.UploadId,
      MultipartUpload: { Parts: uploaded.map((part, index) => ({ ETag: part.ETag!, PartNumber: index + 1 })) },
    }),
  );
}

/** A bucket name no other run or suite uses (tests run in parallel against one gateway). */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
}

export async function createBucket(s3: S3Client, prefix: string): Promise<string> {
  const bucket = uniqueName(prefix);
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  return bucket;
}

/**
 * Deletes every object under `prefix` and aborts the multipart uploads in progress under it (their
 * parts stay in the bucket until then). RGW frees the bytes of what is deleted at its next garbage
 * collection (scripts/rgw/start.sh sets it to about a minute).
 */
export async function deletePrefix(s3: S3Client, bucket: string, prefix: string): Promise<void> {
  for (;;) {
    const listed = await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: prefix }));
    const uploads = listed.Uploads ?? [];
    if (uploads.length === 0) break;
    await Promise.all(uploads.map((upload) => s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: upload.Key, UploadId: upload.UploadId }))));
  }
  for (;;) {
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix }));
    const keys = (listed.Contents ?? []).flatMap((object) => (object.Key === undefined ? [] : [{ Key: object.Key }]));
    if (keys.length === 0) break;
    await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys, Quiet: true } }));
  }
}

/** Empties and deletes the bucket; one that is not there (never made, or deleted already) is fine. */
export async function deleteBucket(s3: S3Client, bucket: string | undefined): Promise<void> {
  if (bucket === undefined) return;
  try {
    await deletePrefix(s3, bucket, '');
    await s3.send(new DeleteBucketCommand({ Bucket: bucket }));
  } catch (error) {
    if ((error as Error).name !== 'NoSuchBucket') throw error;
  }
}

/**
 * A suite's `after`: every step runs, whatever the others did and whether or not its resource was
 * made (a `before` that failed half way); the failures are reported together.
 */
export async function cleanUp(...steps: Array<() => unknown>): Promise<void> {
  const failures: unknown[] = [];
  for (const step of steps) {
    try {
      await step();
    } catch (error) {
      failures.push(error);
    }
  }
  if (failures.length > 0) throw new AggregateError(failures, `${failures.length} cleanup step(s) failed: ${failures.map((error) => (error as Error).message).join('; ')}`);
}

/**
 * An RGW topic that POSTs each notification to `pushEndpoint`. persistent=false: RGW delivers
 * synchronously, so the upload's PUT returns only after the endpoint has answered
 * (docs/reference/local-s3-servers.md §4.5); RGW never retries such a delivery.
 */
export async function createPushTopic(sns: SNSClient, name: string, pushEndpoint: string): Promise<string> {
  const created = await sns.send(new CreateTopicCommand({ Name: name, Attributes: { 'push-endpoint': pushEndpoint, persistent: 'false' } }));
  if (created.TopicArn === undefined) throw new Error(`CreateTopic ${name} returned no TopicArn`);
  return created.TopicArn;
}

export async function deleteTopic(sns: SNSClient, topicArn: string): Promise<void> {
  await sns.send(new DeleteTopicCommand({ TopicArn: topicArn }));
}

/** Sends the bucket's events to the topic: every ObjectCreated event, optionally under a prefix. */
export async function notifyTopic(s3: S3Client, bucket: string, topicArn: string, prefix?: string): Promise<void> {
  await s3.send(
    new PutBucketNotificationConfigurationCommand({
      Bucket: bucket,
      NotificationConfiguration: {
        TopicConfigurations: [
          {
            Id: 'image-import',
            TopicArn: topicArn,
            Events: ['s3:ObjectCreated:*'],
            ...(prefix !== undefined ? { Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: prefix }] } } } : {}),
          },
        ],
      },
    }),
  );
}

/** What an RGW import suite works on: a client, a throwaway bucket and a VM emulator taking RGW's keys. */
export interface RgwImportSuite {
  s3: S3Client;
  bucket: string;
  emulator: VmEmulator;
}

/** A suite's `before`: the client, a bucket named after `bucketPrefix` and the emulator. */
export async function openRgwImportSuite(rgw: RgwEndpoint, bucketPrefix: string, taskStepMs = 20): Promise<RgwImportSuite> {
  const s3 = rgwS3(rgw);
  const bucket = await createBucket(s3, bucketPrefix);
  const emulator = await startVmEmulator({ credentials: [{ accessKeyId: rgw.accessKeyId, secretAccessKey: rgw.secretAccessKey }], taskStepMs });
  return { s3, bucket, emulator };
}

/** Its `after`: stops the emulator, deletes the bucket, closes the client (whatever `before` got to), then `more`. */
export function closeRgwImportSuite(suite: Partial<RgwImportSuite>, ...more: Array<() => unknown>): Promise<void> {
  return cleanUp(
    ...more,
    () => suite.emulator?.stop(),
    () => (suite.s3 === undefined ? undefined : deleteBucket(suite.s3, suite.bucket)),
    () => suite.s3?.destroy(),
  );
}
