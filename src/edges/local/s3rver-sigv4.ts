import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type S3rver from 's3rver';
import S3Error from 's3rver/lib/models/error.js';
import { canonicalQuery, canonicalUri, parseQueryPairs } from '../../adapters/jdcloud/index.js';

type Context = Parameters<S3rver['middleware'][number]>[0];

interface Presented {
  accessKeyId: string;
  /** `20240506/cn-north-1/s3/aws4_request` */
  scope: string;
  amzDate: string;
  signedHeaders: string[];
  signature: string;
  payloadHash: string;
  /** The query without X-Amz-Signature (query-string authentication signs the rest). */
  query: string;
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const hmac = (key: string | Buffer, text: string) => createHmac('sha256', key).update(text, 'utf8').digest();

function malformed(message: string): never {
  throw new S3Error('AuthorizationHeaderMalformed', message);
}

/** What an `Authorization: AWS4-HMAC-SHA256 …` header or a presigned URL's query presents. */
function presented(ctx: Context): Presented | 'anonymous' | 'other' {
  const params = new URLSearchParams(ctx.querystring);
  const authorization = ctx.get('authorization');
  if (params.get('X-Amz-Algorithm') === 'AWS4-HMAC-SHA256') {
    const [accessKeyId = '', ...scope] = (params.get('X-Amz-Credential') ?? '').split('/');
    const query = ctx.querystring
      .split('&')
      .filter((part) => !part.startsWith('X-Amz-Signature='))
      .join('&');
    return {
      accessKeyId,
      scope: scope.join('/'),
      amzDate: params.get('X-Amz-Date') ?? '',
      signedHeaders: (params.get('X-Amz-SignedHeaders') ?? '').split(';'),
      signature: params.get('X-Amz-Signature') ?? '',
      payloadHash: params.get('X-Amz-Content-Sha256') ?? 'UNSIGNED-PAYLOAD',
      query,
    };
  }
  if (authorization === '') return params.has('Signature') ? 'other' : 'anonymous';
  if (!authorization.startsWith('AWS4-HMAC-SHA256 ')) return 'other';
  const parts = new Map(
    authorization
      .slice('AWS4-HMAC-SHA256 '.length)
      .split(',')
      .map((part) => {
        const [name = '', ...value] = part.trim().split('=');
        return [name, value.join('=')] as const;
      }),
  );
  const credential = parts.get('Credential');
  const signedHeaders = parts.get('SignedHeaders');
  const signature = parts.get('Signature');
  if (credential === undefined || signedHeaders === undefined || signature === undefined) {
    malformed('The authorization header is malformed; it requires Credential, SignedHeaders and Signature.');
  }
  const [accessKeyId = '', ...scope] = credential.split('/');
  return {
    accessKeyId,
    scope: scope.join('/'),
    amzDate: ctx.get('x-amz-date'),
    signedHeaders: signedHeaders.split(';'),
    signature,
    payloadHash: ctx.get('x-amz-content-sha256'),
    query: ctx.querystring,
  };
}

/** The signature AWS Signature Version 4 gives this request under the secret (AWS's published algorithm). */
function expectedSignature(ctx: Context, request: Presented, secretAccessKey: string): string {
  const headers = request.signedHeaders.map((name) => `${name}:${ctx.get(name).trim().replace(/\s+/g, ' ')}\n`).join('');
  const canonicalRequest = [ctx.method, canonicalUri(ctx.path), canonicalQuery(parseQueryPairs(request.query)), headers, request.signedHeaders.join(';'), request.payloadHash].join('\n');
  const stringToSign = ['AWS4-HMAC-SHA256', request.amzDate, request.scope, sha256(canonicalRequest)].join('\n');
  const [date = '', region = '', service = '', terminator = ''] = request.scope.split('/');
  const key = hmac(hmac(hmac(hmac(`AWS4${secretAccessKey}`, date), region), service), terminator);
  return createHmac('sha256', key).update(stringToSign, 'utf8').digest('hex');
}

/**
 * s3rver checks only the access key id of a Signature Version 4 request (any secret passes,
 * docs/reference/local-s3-servers.md §3.3 #10) and serves anonymous requests. A real bucket
 * refuses both, so the local OSS does too: the signature of a signed header or presigned URL is
 * recomputed with the secret (403 SignatureDoesNotMatch), and an unsigned request is refused
 * (403 AccessDenied). Version 2 signatures are still checked by s3rver itself.
 */
export function applySignatureCheck(server: S3rver, credentials: { accessKeyId: string; secretAccessKey: string }): void {
  server.middleware.unshift(async (ctx, next) => {
    const request = presented(ctx);
    if (request === 'anonymous') throw new S3Error('AccessDenied', 'Access Denied: the local OSS serves signed requests only (keys S3RVER / S3RVER).');
    if (request !== 'other') {
      if (request.accessKeyId !== credentials.accessKeyId) {
        throw new S3Error('InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.', { AWSAccessKeyId: request.accessKeyId });
      }
      const expected = Buffer.from(expectedSignature(ctx, request, credentials.secretAccessKey), 'utf8');
      const given = Buffer.from(request.signature, 'utf8');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
        throw new S3Error(
          'SignatureDoesNotMatch',
          'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
          { AWSAccessKeyId: request.accessKeyId },
        );
      }
    }
    await next();
  });
}
