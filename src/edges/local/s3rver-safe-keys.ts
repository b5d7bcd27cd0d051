import { posix, resolve, sep } from 'node:path';
import type S3rver from 's3rver';
import S3Error from 's3rver/lib/models/error.js';

/** Why a bucket name cannot be a folder of the store; undefined when it can. */
function unsafeBucket(bucket: string): string | undefined {
  if (bucket.includes('\0')) return 'the bucket contains a NUL character';
  if (/[/\\]/.test(bucket) || bucket === '.' || bucket === '..') return 'the bucket is not a plain folder name';
  return undefined;
}

/**
 * Why a key would leave its bucket's folder; undefined when it stays inside. `..` segments that
 * stay inside (`x/../y`) are allowed, as S3 allows them; a backslash counts as a separator, as
 * it would on Windows.
 */
function unsafeKey(key: string): string | undefined {
  if (key.includes('\0')) return 'the key contains a NUL character';
  if (key.startsWith('/') || key.startsWith('\\')) return 'the key starts with "/" (an absolute path)';
  const inside = posix.resolve('/bucket', ...key.split(/[/\\]/));
  if (inside !== '/bucket' && !inside.startsWith('/bucket/')) return 'the key climbs out of the bucket with ".." segments';
  return undefined;
}

function decoded(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

/**
 * s3rver writes each object to `<folder>/<bucket>/<key>._S3rver_object`, so a key such as
 * `../../x` (or `..%2F..%2Fx`, `%2e%2e/…`: its router decodes once) would be written outside its
 * folder. S3 itself stores such keys as plain names; the local OSS refuses the ones that would
 * leave the bucket's folder with 400 InvalidArgument before anything touches the disk, in the
 * path and in `x-amz-copy-source`.
 */
export function applySafeKeys(server: S3rver, directory: string): void {
  const root = resolve(directory);
  const refuse = (reason: string, name: string): never => {
    throw new S3Error('InvalidArgument', `The local OSS refuses this name: ${reason}. It would be stored outside its folder.`, { ArgumentValue: name });
  };
  const check = (path: string) => {
    const match = /^\/([^/]*)(?:\/(.*))?$/s.exec(path);
    if (match === null) return;
    const bucket = decoded(match[1] ?? '');
    const key = match[2] === undefined ? '' : decoded(match[2]);
    if (bucket === undefined || key === undefined) return refuse('it is not valid percent-encoding', path);
    const reason = unsafeBucket(bucket) ?? (key === '' ? undefined : unsafeKey(key));
    if (reason !== undefined) refuse(reason, key === '' ? bucket : key);
    // The rules above keep every name inside; this says so for whatever they did not foresee.
    if (bucket !== '' && !resolve(root, bucket, key).startsWith(`${root}${sep}`)) refuse('the name resolves outside the folder', key);
  };
  server.middleware.unshift(async (ctx, next) => {
    check(ctx.path);
    const copySource = ctx.get('x-amz-copy-source');
    if (copySource !== '') check(copySource.startsWith('/') ? copySource : `/${copySource}`);
    await next();
  });
}
