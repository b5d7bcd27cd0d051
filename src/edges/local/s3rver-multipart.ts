import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type S3rver from 's3rver';
import { escapeXml } from './s3rver-compat.js';

type Context = Parameters<S3rver['middleware'][number]>[0];

/**
 * s3rver 3.7 stores multipart uploads but answers AbortMultipartUpload with 405 and
 * ListMultipartUploads with NotImplemented (docs/reference/local-s3-servers.md §3.3). The
 * unpacking step aborts every upload it does not complete, and the tests list the uploads
 * in progress to prove none is left: both are served here from s3rver's own upload folders.
 * Must be applied before `run()`.
 */
export function applyS3rverMultipart(server: S3rver): void {
  server.middleware.unshift(async (ctx, next) => {
    const query = new URLSearchParams(ctx.querystring);
    const path = /^\/([^/]+)\/?(.*)$/.exec(ctx.path);
    const bucket = path?.[1] === undefined ? undefined : decodeURIComponent(path[1]);
    if (bucket === undefined) return next();
    const key = path?.[2] === '' ? undefined : path?.[2];
    const uploads = server.store.getResourcePath(bucket, undefined, 'uploads');
    const uploadId = query.get('uploadId');
    if (ctx.method === 'DELETE' && key !== undefined && uploadId !== null) {
      await abortUpload(ctx, join(uploads, uploadId.replace(/[^0-9a-f]/g, '')));
      return;
    }
    if (ctx.method === 'GET' && key === undefined && query.has('uploads')) {
      await listUploads(ctx, bucket, uploads, query.get('prefix') ?? '');
      return;
    }
    return next();
  });
}

async function abortUpload(ctx: Context, directory: string): Promise<void> {
  const exists = await stat(directory).then(
    () => true,
    () => false,
  );
  if (!exists) {
    ctx.status = 404;
    ctx.type = 'application/xml';
    ctx.body = '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>NoSuchUpload</Code><Message>The specified upload does not exist.</Message></Error>';
    return;
  }
  await rm(directory, { recursive: true, force: true });
  ctx.status = 204;
  ctx.body = '';
}

async function listUploads(ctx: Context, bucket: string, directory: string, prefix: string): Promise<void> {
  const ids = await readdir(directory).catch(() => [] as string[]);
  const entries: string[] = [];
  for (const id of ids.sort()) {
    const key = await readFile(join(directory, id, 'key'), 'utf8').catch(() => undefined);
    if (key === undefined || !key.startsWith(prefix)) continue;
    const initiated = (await stat(join(directory, id))).mtime.toISOString();
    entries.push(`<Upload><Key>${escapeXml(key)}</Key><UploadId>${id}</UploadId><Initiated>${initiated}</Initiated><StorageClass>STANDARD</StorageClass></Upload>`);
  }
  ctx.status = 200;
  ctx.type = 'application/xml';
  ctx.body = `<?xml version="1.0" encoding="UTF-8"?>\n<ListMultipartUploadsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Bucket>${escapeXml(bucket)}</Bucket><Prefix>${escapeXml(prefix)}</Prefix><IsTruncated>false</IsTruncated>${entries.join('')}</ListMultipartUploadsResult>`;
}

