import { AsyncLocalStorage } from 'node:async_hooks';
import type S3rver from 's3rver';
import { TaggingConfiguration } from 's3rver/lib/models/config.js';
import { KeyLock } from './key-lock.js';

/**
 * Makes s3rver 3.7 behave like S3 where the pipeline depends on it
 * (docs/reference/local-s3-servers.md §3.3):
 * - a suffix range `bytes=-N` returns the last N bytes (s3rver returns the first N+1);
 * - a range on an empty object answers 416 InvalidRange, as S3 does;
 * - `x-amz-tagging` on PutObject is stored, and an overwrite clears old tags;
 * - events are emitted after the request is complete (s3rver emits them mid-request, before
 *   the tags above exist), so a subscriber sees the object as a client would, and their keys
 *   are form-encoded as S3 sends them, with no region;
 * - reads and writes of one key do not overlap (s3rver rewrites files in place), nor do
 *   listings and writes in one bucket.
 * Must be applied before `run()`: Koa composes its middleware when it starts listening.
 */
export function applyS3rverCompat(server: S3rver): void {
  const pendingEvents = new AsyncLocalStorage<unknown[][]>();
  const emit = server.emit.bind(server);
  server.emit = (name: string | symbol, ...args: unknown[]): boolean => {
    const pending = pendingEvents.getStore();
    if (name === 'event' && pending !== undefined) {
      pending.push(args);
      return true;
    }
    return emit(name, ...args);
  };

  const locks = new KeyLock();
  server.middleware.unshift(async (ctx, next) => {
    const target = objectTarget(ctx.path);
    const reading = ctx.method === 'GET' || ctx.method === 'HEAD';
    const bucket = bucketOf(ctx.path);
    // A listing walks the bucket's files and fails on one that is half written: listings
    // exclude object writes (writes still run side by side with each other).
    const bucketMode = target === undefined ? (reading ? 'write' : 'read') : reading ? undefined : 'read';
    const releases: Array<() => void> = [];
    if (bucket !== undefined && bucketMode !== undefined) releases.push(await locks.acquire(`bucket:${bucket}`, bucketMode));
    // Held until the response is sent: s3rver streams the file after the middleware returns.
    if (target !== undefined) releases.push(await locks.acquire(`${target.bucket}/${target.key}`, reading ? 'read' : 'write'));
    const release = () => {
      for (const releaseOne of releases) releaseOne();
    };
    ctx.res.once('close', release);
    try {
      if (target === undefined) await next();
      else await handleObjectRequest(ctx, next, target);
    } catch (error) {
      release();
      throw error;
    }
  });

  async function handleObjectRequest(ctx: Context, next: () => Promise<void>, target: ObjectTarget): Promise<void> {
    const events: unknown[][] = [];
    if (ctx.method === 'GET') {
      const handled = await rewriteRange(server, ctx, target);
      if (handled) return;
    }
    await pendingEvents.run(events, next);
    if (ctx.method === 'PUT' && isPlainPut(ctx.querystring) && ctx.status === 200) {
      await storeUploadTags(server, target, ctx.get('x-amz-tagging'));
    }
    for (const [event] of events) emit('event', normaliseEvent(event));
  }
}

/** PutObject, not UploadPart, tagging or ACL (the SDK adds `x-id=PutObject`). */
function isPlainPut(querystring: string): boolean {
  return [...new URLSearchParams(querystring).keys()].every((name) => name === 'x-id');
}

/**
 * S3 form-encodes keys in notifications (`my file+1` → `my+file%2B1`); s3rver sends them raw.
 * s3rver also stamps every record `us-east-1`, which is no JD region: the region is left empty,
 * as RGW leaves it, so the configured region applies.
 */
function normaliseEvent(event: unknown): unknown {
  const records = (event as { Records?: Array<{ awsRegion?: string; s3?: { object?: { key?: string } } }> }).Records ?? [];
  for (const record of records) {
    record.awsRegion = '';
    const object = record.s3?.object;
    if (object?.key !== undefined) {
      object.key = object.key
        .split('/')
        .map((segment) => encodeURIComponent(segment).replace(/%20/g, '+'))
        .join('/');
    }
  }
  return event;
}

interface ObjectTarget {
  bucket: string;
  key: string;
}

/** The bucket of a path-style request; undefined for service requests. */
function bucketOf(path: string): string | undefined {
  const match = /^\/([^/]+)/.exec(path);
  return match?.[1];
}

/** Path-style `/bucket/key…`; undefined for service and bucket requests. */
function objectTarget(path: string): ObjectTarget | undefined {
  const match = /^\/([^/]+)\/(.+)$/.exec(path);
  if (match === null) return undefined;
  try {
    return { bucket: decodeURIComponent(match[1] ?? ''), key: decodeURIComponent(match[2] ?? '') };
  } catch {
    return undefined;
  }
}

type Context = Parameters<S3rver['middleware'][number]>[0];

async function rewriteRange(server: S3rver, ctx: Context, target: ObjectTarget): Promise<boolean> {
  const range = ctx.get('range');
  if (range === '') return false;
  let size: number;
  try {
    size = Number((await server.store.getMetadata(target.bucket, target.key))['content-length']);
  } catch {
    return false; // s3rver answers NoSuchKey itself
  }
  if (size === 0) {
    ctx.status = 416;
    ctx.type = 'application/xml';
    ctx.body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>InvalidRange</Code><Message>The requested range is not satisfiable</Message><RangeRequested>${range}</RangeRequested></Error>`;
    return true;
  }
  const suffix = /^bytes=-(\d+)$/.exec(range);
  if (suffix !== null) {
    const length = Number(suffix[1]);
    ctx.request.headers['range'] = `bytes=${Math.max(0, size - length)}-${size - 1}`;
  }
  return false;
}

/** Text for an XML element (s3rver's own answers and ours share it). */
export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

async function storeUploadTags(server: S3rver, target: ObjectTarget, header: string): Promise<void> {
  if (header === '') {
    await server.store.deleteSubresource(target.bucket, target.key, 'tagging');
    return;
  }
  const tags = [...new URLSearchParams(header)]
    .map(([key, value]) => `<Tag><Key>${escapeXml(key)}</Key><Value>${escapeXml(value)}</Value></Tag>`)
    .join('');
  await server.store.putSubresource(target.bucket, target.key, new TaggingConfiguration(`<Tagging><TagSet>${tags}</TagSet></Tagging>`));
}
