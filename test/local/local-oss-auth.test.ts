// The local OSS checks what a real bucket checks: the secret behind a signature, and names
// that would leave its folder.
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { localOssCredentials, startLocalOss, type LocalOss } from '../../src/edges/local/local-oss.js';
import { createOssClient } from '../../src/adapters/oss/oss-client.js';

/** A request exactly as written: the path is sent byte for byte (no URL normalisation). */
function raw(endpoint: string, method: string, path: string, headers: Record<string, string> = {}, body = ''): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(endpoint);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: hostname, port, method, path, headers: { 'content-length': String(Buffer.byteLength(body)), ...headers }, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const entities: Record<string, string> = { '&quot;': '"', '&amp;': '&', '&lt;': '<', '&gt;': '>', '&apos;': "'", '&#39;': "'" };

/** The Code and Message of an S3 XML error document, entities decoded. */
function s3Error(xml: string): { code: string | undefined; message: string | undefined } {
  const text = (tag: string) => new RegExp(`<${tag}>([^<]*)</${tag}>`).exec(xml)?.[1]?.replace(/&[a-z#0-9]+;/g, (entity) => entities[entity] ?? entity);
  return { code: text('Code'), message: text('Message') };
}

describe('the local OSS checks signatures and names like a real store', () => {
  let base: string;
  let oss: LocalOss;
  let s3: S3Client;

  before(async () => {
    base = await mkdtemp(join(tmpdir(), 'oss-image-import-auth-'));
    await mkdir(join(base, 'store'));
    oss = await startLocalOss({ buckets: ['b'], directory: join(base, 'store') });
    s3 = createOssClient({ region: 'cn-north-1', endpoint: oss.endpoint, credentials: localOssCredentials, maxAttempts: 1 });
    await s3.send(new PutObjectCommand({ Bucket: 'b', Key: 'dir/a..b c+d.txt', Body: 'hello' }));
  });
  after(async () => {
    s3.destroy();
    await oss.stop();
    await rm(base, { recursive: true, force: true });
  });

  it('serves a request signed with the right secret, including keys with dots, spaces and plus signs', async () => {
    const body = await (await s3.send(new GetObjectCommand({ Bucket: 'b', Key: 'dir/a..b c+d.txt', Range: 'bytes=0-3' }))).Body!.transformToString();
    assert.equal(body, 'hell');
  });

  it('refuses a wrong secret with 403 SignatureDoesNotMatch, as S3 does', async () => {
    const wrong = createOssClient({ region: 'cn-north-1', endpoint: oss.endpoint, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'not-the-secret' }, maxAttempts: 1 });
    try {
      await assert.rejects(wrong.send(new GetObjectCommand({ Bucket: 'b', Key: 'dir/a..b c+d.txt' })), {
        name: 'SignatureDoesNotMatch',
        message: 'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
      });
      await assert.rejects(wrong.send(new PutObjectCommand({ Bucket: 'b', Key: 'written-with-a-wrong-secret', Body: 'x' })), { name: 'SignatureDoesNotMatch' });
    } finally {
      wrong.destroy();
    }
  });

  it('checks presigned URLs too, and refuses an unsigned request with 403 AccessDenied', async () => {
    const signer = new S3Client({ region: 'cn-north-1', endpoint: oss.endpoint, forcePathStyle: true, credentials: localOssCredentials });
    const wrongSigner = new S3Client({ region: 'cn-north-1', endpoint: oss.endpoint, forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'nope' } });
    try {
      const command = new GetObjectCommand({ Bucket: 'b', Key: 'dir/a..b c+d.txt' });
      const good = await fetch(await getSignedUrl(signer, command, { expiresIn: 60 }));
      assert.equal(good.status, 200);
      assert.equal(await good.text(), 'hello');
      const bad = await fetch(await getSignedUrl(wrongSigner, command, { expiresIn: 60 }));
      assert.equal(bad.status, 403);
      assert.equal(s3Error(await bad.text()).code, 'SignatureDoesNotMatch');
    } finally {
      signer.destroy();
      wrongSigner.destroy();
    }
    const anonymous = await raw(oss.endpoint, 'GET', '/b/dir/a..b%20c%2Bd.txt');
    assert.equal(anonymous.status, 403);
    assert.deepEqual(s3Error(anonymous.body), { code: 'AccessDenied', message: 'Access Denied: the local OSS serves signed requests only (keys S3RVER / S3RVER).' });
  });

  it('refuses keys and buckets that would be stored outside its folder, however they are encoded', async () => {
    const climbs = 'the key climbs out of the bucket with ".." segments';
    const cases: Array<[string, string, Record<string, string>?]> = [
      ['/b/../../escaped-plain', climbs],
      ['/b/..%2F..%2Fescaped-encoded-slash', climbs],
      ['/b/%2e%2e/%2E%2E/escaped-encoded-dots', climbs],
      ['/b/x/../../../escaped-deeper', climbs],
      ['/b/..', climbs],
      ['/b//absolute', 'the key starts with "/" (an absolute path)'],
      ['/b/%2Fetc%2Fescaped-absolute', 'the key starts with "/" (an absolute path)'],
      ['/b/..%5C..%5Cescaped-backslash', climbs],
      ['/b/nul%00byte', 'the key contains a NUL character'],
      ['/%2E%2E/escaped-bucket', 'the bucket is not a plain folder name'],
      ['/b/copy-target', climbs, { 'x-amz-copy-source': '/b/../../../etc/hostname' }],
      ['/b/%E0%A4%A', 'it is not valid percent-encoding'],
    ];
    for (const [path, reason, headers] of cases) {
      const answer = await raw(oss.endpoint, 'PUT', path, headers, 'escaped');
      assert.equal(answer.status, 400, path);
      const { code, message } = s3Error(answer.body);
      assert.equal(code, 'InvalidArgument', path);
      assert.equal(message, `The local OSS refuses this name: ${reason}. It would be stored outside its folder.`, path);
    }
    assert.deepEqual(await readdir(base), ['store']);
  });

  it('keeps serving keys whose ".." segments stay inside the bucket, as S3 does', async () => {
    await s3.send(new PutObjectCommand({ Bucket: 'b', Key: 'x/../y..qcow2', Body: 'inside' }));
    assert.equal(await (await s3.send(new GetObjectCommand({ Bucket: 'b', Key: 'x/../y..qcow2' }))).Body!.transformToString(), 'inside');
  });
});
