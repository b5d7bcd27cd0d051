import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { applyS3rverCompat } from './s3rver-compat.js';
import { applyListObjectsV2Fix } from './s3rver-list-v2.js';
import { applyS3rverMultipart } from './s3rver-multipart.js';

/** s3rver accepts any secret, but only this access key id (docs/reference/local-s3-servers.md §2). */
export const localOssCredentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

export interface LocalOss {
  endpoint: string;
  /** Called after each object change with the S3-style notification `{ Records: [...] }`. */
  onEvent(listener: (event: unknown) => void): void;
  stop(): Promise<void>;
}

/**
 * An in-process S3 server on loopback (s3rver with the compat fixes), buckets pre-created.
 * Each instance gets its own directory, removed on stop.
 */
export async function startLocalOss(options: {
  buckets: string[];
  port?: number;
  host?: string;
  directory?: string;
  /** Added to every response, to measure how many sequential round trips a caller makes. */
  responseDelayMs?: number;
}): Promise<LocalOss> {
  // Imported lazily: s3rver is a development dependency, used only by the local stack.
  const { default: S3rver } = await import('s3rver');
  const directory = options.directory ?? (await mkdtemp(join(tmpdir(), 'oss-image-import-oss-')));
  const ownsDirectory = options.directory === undefined;
  const server = new S3rver({
    address: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
    directory,
    silent: true,
    configureBuckets: options.buckets.map((name) => ({ name })),
  });
  applyS3rverCompat(server);
  applyListObjectsV2Fix(server);
  applyS3rverMultipart(server);
  const delay = options.responseDelayMs ?? 0;
  if (delay > 0) {
    server.middleware.unshift(async (_ctx, next) => {
      await sleep(delay);
      await next();
    });
  }
  const { address, port } = await server.run();
  return {
    endpoint: `http://${address}:${port}`,
    onEvent(listener) {
      server.on('event', listener);
    },
    async stop() {
      await server.close();
      if (ownsDirectory) await rm(directory, { recursive: true, force: true });
    },
  };
}
