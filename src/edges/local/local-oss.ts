import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { listenHttp } from '../../kernel/index.js';

/** The local OSS's one key pair; s3rver knows this key id, and the secret is checked (s3rver-sigv4.ts). */
export const localOssCredentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

export interface LocalOss {
  endpoint: string;
  /** Called after each object change with the S3-style notification `{ Records: [...] }`. */
  onEvent(listener: (event: unknown) => void): void;
  stop(): Promise<void>;
}

/**
 * An in-process S3 server on loopback (s3rver with the compat fixes), buckets pre-created.
 * Each instance gets its own directory, removed on stop, and on a failed start (a busy port).
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
  const [{ default: S3rver }, { applyS3rverCompat }, { applyListObjectsV2Fix }, { applySignatureCheck }, { applySafeKeys }, { applyS3rverMultipart }, { applyDurablePut }] = await Promise.all([
    import('s3rver'),
    import('./s3rver-compat.js'),
    import('./s3rver-list-v2.js'),
    import('./s3rver-sigv4.js'),
    import('./s3rver-safe-keys.js'),
    import('./s3rver-multipart.js'),
    import('./s3rver-durable-put.js'),
  ]);
  const directory = options.directory ?? (await mkdtemp(join(tmpdir(), 'oss-image-import-oss-')));
  const removeDirectory = async () => {
    if (options.directory === undefined) await rm(directory, { recursive: true, force: true });
  };
  const server = new S3rver({ directory, silent: true, configureBuckets: options.buckets.map((name) => ({ name })) });
  // Each unshift goes first: names are checked, then signatures, then multipart aborts and
  // listings are served, then the compat fixes apply.
  applyS3rverCompat(server);
  applyS3rverMultipart(server);
  applySignatureCheck(server, localOssCredentials);
  applySafeKeys(server, directory);
  applyListObjectsV2Fix(server);
  applyDurablePut(server);
  const delay = options.responseDelayMs ?? 0;
  if (delay > 0) {
    server.middleware.unshift(async (_ctx, next) => {
      await sleep(delay);
      await next();
    });
  }
  // Listening here, not with s3rver's run(): its listen() has no 'error' listener, so a busy port
  // crashed the process (or, for the second server of the stack, left this one running).
  const http = createServer(server.callback());
  let endpoint: string;
  try {
    await server.configureBuckets();
    ({ url: endpoint } = await listenHttp(http, { host: options.host ?? '127.0.0.1', port: options.port ?? 0 }));
  } catch (error) {
    await removeDirectory();
    throw error;
  }
  return {
    endpoint,
    onEvent(listener) {
      server.on('event', listener);
    },
    async stop() {
      const closed = new Promise<void>((resolve) => http.close(() => resolve()));
      http.closeAllConnections();
      await closed;
      await removeDirectory();
    },
  };
}
