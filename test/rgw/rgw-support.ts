// Finds the Ceph RGW started by scripts/rgw/start.sh and gives the RGW suites what they share:
// clients, throwaway buckets, notification topics. Not a test file (no .test.ts).
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectsCommand,
  ListObjectsV2Command,
  PutBucketNotificationConfigurationCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { CreateTopicCommand, DeleteTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { createOssClient } from '../../src/oss/oss-client.js';

export interface RgwEndpoint {
  endpoint: string;
  /** The region the gateway's buckets are created in (RGW refuses others as LocationConstraint). */
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
}

export type RgwAvailability = { available: true; rgw: RgwEndpoint } | { available: false; reason: string };

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const defaultEnvFile = `${repoRoot}.local/rgw/env`;

function parseEnvFile(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (match?.[1] !== undefined && match[2] !== undefined) values[match[1]] = match[2];
  }
  return values;
}

function radosgwInstalled(): boolean {
  try {
    execFileSync('radosgw', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Where RGW is: RGW_* variables when RGW_ENDPOINT is set, else the env file start.sh wrote
 * (RGW_ENV_FILE, default .local/rgw/env). Available only if the endpoint answers HTTP.
 */
export async function findRgw(env: NodeJS.ProcessEnv = process.env): Promise<RgwAvailability> {
  const envFile = env['RGW_ENV_FILE'] ?? defaultEnvFile;
  let values: Record<string, string | undefined> = env;
  if (env['RGW_ENDPOINT'] === undefined) {
    if (!existsSync(envFile)) {
      return {
        available: false,
        reason: radosgwInstalled()
          ? `RGW is installed but not started (no ${envFile})`
          : `radosgw is not installed and RGW_ENDPOINT is not set (no ${envFile})`,
      };
    }
    values = parseEnvFile(readFileSync(envFile, 'utf8'));
  }
  const endpoint = values['RGW_ENDPOINT'];
  const accessKeyId = values['RGW_ACCESS_KEY_ID'];
  const secretAccessKey = values['RGW_SECRET_ACCESS_KEY'];
  if (endpoint === undefined || accessKeyId === undefined || secretAccessKey === undefined) {
    return { available: false, reason: 'RGW_ENDPOINT, RGW_ACCESS_KEY_ID and RGW_SECRET_ACCESS_KEY must all be set' };
  }
  try {
    await fetch(endpoint, { signal: AbortSignal.timeout(3000) });
  } catch (error) {
    return { available: false, reason: `nothing answers at ${endpoint} (${(error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : (error as Error).message})` };
  }
  return { available: true, rgw: { endpoint, region: values['RGW_REGION'] ?? 'us-east-1', accessKeyId, secretAccessKey } };
}

/**
 * A suite that needs RGW. Where RGW is missing it is skipped with a message on stderr and in
 * the reporter, except under CI=true, where a missing RGW is a failure: CI must run it.
 */
export async function describeWithRgw(name: string, suite: (rgw: RgwEndpoint) => void): Promise<void> {
  const found = await findRgw();
  if (found.available) {
    describe(name, () => suite(found.rgw));
    return;
  }
  const howTo = 'Run `npm run test:rgw` (starts RGW when installed), or scripts/rgw/install.sh (as root) then scripts/rgw/start.sh.';
  if (process.env['CI'] === 'true') {
    describe(name, () => {
      it('has Ceph RGW to test against (required when CI=true)', () => {
        throw new Error(`Ceph RGW is not available: ${found.reason}. .ci/run must run scripts/rgw/install.sh and scripts/rgw/start.sh before the tests.`);
      });
    });
    return;
  }
  const message = `SKIPPED "${name}": Ceph RGW is not available: ${found.reason}. ${howTo}`;
  process.stderr.write(`\n*** ${message}\n\n`);
  describe(name, { skip: message }, () => undefined);
}

/** The product's own S3 client settings (path style, checksums only when required), on RGW. */
export function rgwS3(rgw: RgwEndpoint, credentials: { accessKeyId: string; secretAccessKey: string } = rgw): S3Client {
  return createOssClient({ region: rgw.region, endpoint: rgw.endpoint, credentials, maxAttempts: 1 });
}

export function rgwSns(rgw: RgwEndpoint): SNSClient {
  return new SNSClient({ endpoint: rgw.endpoint, region: rgw.region, credentials: rgw, maxAttempts: 1 });
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

export async function deleteBucket(s3: S3Client, bucket: string): Promise<void> {
  for (;;) {
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
    const keys = (listed.Contents ?? []).flatMap((object) => (object.Key === undefined ? [] : [{ Key: object.Key }]));
    if (keys.length === 0) break;
    await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys, Quiet: true } }));
  }
  await s3.send(new DeleteBucketCommand({ Bucket: bucket }));
}

/**
 * An RGW topic that POSTs each notification to `pushEndpoint`. persistent=false: RGW delivers
 * synchronously, so the upload's PUT returns only after the endpoint has answered
 * (shared/docs/local-s3-servers.md §4.5); RGW never retries such a delivery.
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
