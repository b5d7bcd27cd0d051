import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { packageRoot } from '../../local/index.js';

/**
 * What `npm start` sets up and uploads. The bucket is serverless.yml's default (IMAGE_BUCKET),
 * so `serverless invoke local` with samples/events/ finds the demo object as printed.
 */
export const demo = {
  bucket: 'disk-images',
  region: 'cn-north-1',
  key: 'ubuntu-22.04.qcow2',
  // After the import: copied to two regions and shared with two accounts (issue 13).
  metadata: { platform: 'Ubuntu', 'os-version': '22.04', 'copy-to-regions': 'cn-east-2,cn-south-1', 'share-with': 'jdpin-alice,jdpin-bob' },
} as const;

/** The demo disk: an empty 10 GiB qcow2 (samples/README.md). */
export async function readDemoImage(): Promise<Buffer> {
  return gunzipSync(await readFile(join(packageRoot(), 'samples', 'demo-disk.qcow2.gz')));
}
