import { HeadObjectCommand } from '@aws-sdk/client-s3';
import type { DevStack } from '../src/edges/local/index.js';
import { ossTriggerEvent as triggerEvent } from '../src/edges/local/fc-emulator/index.js';

/**
 * The event an fc OSS trigger would deliver for an object already in the stack's bucket: JD's
 * Function Service shape (`Records[].detail.s3`, docs/reference/jdcloud-api.md §4.5.1), with the
 * object's real ETag and size.
 */
export async function ossTriggerEvent(stack: DevStack, key: string): Promise<unknown> {
  const head = await stack.s3.send(new HeadObjectCommand({ Bucket: stack.bucket, Key: key }));
  const upload = { region: stack.region, bucket: stack.bucket, key, etag: (head.ETag ?? '').replace(/"/g, ''), size: head.ContentLength ?? 0, eventName: 'ObjectCreated:Put' };
  return triggerEvent(upload, new Date());
}
