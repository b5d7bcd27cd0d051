import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { after, before } from 'node:test';
import { followRequestFor, type FollowRequest } from '../src/domain/following/index.js';
import type { StatusRecord } from '../src/domain/status/index.js';
import { silentLogger } from '../src/kernel/index.js';
import { localOssCredentials, type DevStack, startWebhookReceiver, type WebhookReceiver } from '../src/edges/local/index.js';
import { loadConfig } from '../src/use-cases/config/index.js';
import { createFollowDeps, type FollowDeps, type FollowTiming } from '../src/use-cases/following/index.js';
import { handleEvent } from '../src/use-cases/importing/index.js';
import { stackEnv } from './capture-io.js';
import { makeDiskImage } from './disk-images.js';
import { startTestStack, upload } from './local-stack.js';

/** Waits of a few ms: the emulator's task steps are 20 ms in tests. */
export const fastFollowTiming: FollowTiming = { pollDelaysMs: [10, 20, 40], claimSettleMs: 50, leaseGraceMs: 2_000 };

/** A follower on the local stack, configured like the product from these variables. */
export function followDepsFor(stack: DevStack, env: NodeJS.ProcessEnv = {}, timing: Partial<FollowTiming> = fastFollowTiming): FollowDeps & { close(): Promise<void> } {
  const config = loadConfig({ ...env, JDCLOUD_REGION: stack.region, JDCLOUD_VM_ENDPOINT: stack.vmEndpoint, OSS_ENDPOINT: stack.ossEndpoint });
  return createFollowDeps(config, localOssCredentials, { logger: silentLogger(), s3: stack.s3, timing });
}

export async function readRecordOf(stack: DevStack, key: string): Promise<StatusRecord> {
  const response = await stack.s3.send(new GetObjectCommand({ Bucket: stack.bucket, Key: `.image-import/${key}.json` }));
  return JSON.parse(await response.Body!.transformToString()) as StatusRecord;
}

export async function writeRecordOf(stack: DevStack, record: StatusRecord): Promise<void> {
  await stack.s3.send(new PutObjectCommand({ Bucket: stack.bucket, Key: `.image-import/${record.source.key}.json`, Body: JSON.stringify(record) }));
}

/** The key's record with these fields changed, written back: what the test starts from. */
export async function patchRecordOf(stack: DevStack, key: string, patch: Partial<StatusRecord>): Promise<StatusRecord> {
  const record = { ...(await readRecordOf(stack, key)), ...patch };
  await writeRecordOf(stack, record);
  return record;
}

/** Uploads a small qcow2 with these metadata and runs the pipeline on its event: the `submitted` record. */
export async function submitUpload(stack: DevStack, key: string, metadata: Record<string, string> = {}): Promise<StatusRecord> {
  await upload(stack, key, makeDiskImage('qcow2', '1G'), { metadata: { platform: 'Ubuntu', ...metadata } });
  const summary = await handleEvent({ Records: [{ eventName: 'ObjectCreated:Put', s3: { bucket: { name: stack.bucket }, object: { key } } }] }, stack.deps);
  if (summary.submitted !== 1) throw new Error(`${key} was not submitted: ${JSON.stringify(summary.outcomes)}`);
  return readRecordOf(stack, key);
}

/** The follow request for the key's record as it stands, begun now. */
export async function followRequestOf(stack: DevStack, key: string): Promise<FollowRequest> {
  return followRequestFor(await readRecordOf(stack, key), new Date());
}

/**
 * The local stack (pipeline not wired to uploads) with a webhook receiver; `env` points the CLI at
 * the stack and IMAGE_NOTIFY_URL / IMAGE_NOTIFY_SECRET at the receiver.
 */
export async function startFollowingStack(notify: { path: string; secret: string }): Promise<{ stack: DevStack; receiver: WebhookReceiver; env: NodeJS.ProcessEnv; stop(): Promise<void> }> {
  const stack = await startTestStack({ autoImport: false });
  const receiver = await startWebhookReceiver();
  return {
    stack,
    receiver,
    env: { ...stackEnv(stack), IMAGE_NOTIFY_URL: `${receiver.url}${notify.path}`, IMAGE_NOTIFY_SECRET: notify.secret },
    async stop() {
      await receiver.stop();
      await stack.stop();
    },
  };
}

/** What startFollowingStack gives a suite. */
export type FollowingStack = Awaited<ReturnType<typeof startFollowingStack>>;

/**
 * The following stack for the enclosing describe block: started before its tests (its parts handed
 * to `onStart`, which keeps what the tests use), stopped after them.
 */
export function followingSuite(notify: { path: string; secret: string }, onStart: (started: FollowingStack) => void): void {
  let started: FollowingStack | undefined;
  before(async () => {
    started = await startFollowingStack(notify);
    onStart(started);
  });
  after(async () => started?.stop());
}
