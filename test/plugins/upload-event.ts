import { HeadObjectCommand } from '@aws-sdk/client-s3';
import type { DevStack } from '../../src/edges/local/dev-stack.js';

/**
 * The event an fc OSS trigger would deliver for an object already in the stack's bucket: JD's
 * Function Service shape (`Records[].detail.s3`, docs/reference/jdcloud-api.md §4.5.1), with the
 * object's real ETag and size.
 */
export async function ossTriggerEvent(stack: DevStack, key: string): Promise<unknown> {
  const head = await stack.s3.send(new HeadObjectCommand({ Bucket: stack.bucket, Key: key }));
  return {
    Records: [
      {
        version: '0',
        id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
        time: new Date().toISOString(),
        source: 'oss',
        region: stack.region,
        detailType: 'MessageReceived',
        resources: [`jrn:oss:${stack.region}:104064078905:${stack.bucket}/${key}`],
        detail: {
          eventName: 's3:ObjectCreated:Put',
          s3: {
            s3SchemaVersion: '1.0',
            bucket: { name: stack.bucket, ownerIdentity: { principalId: '104064078905' } },
            object: { key, eTag: (head.ETag ?? '').replace(/"/g, ''), size: head.ContentLength ?? 0, type: 'application/octet-stream' },
          },
        },
      },
    ],
  };
}
