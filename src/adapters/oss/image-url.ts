import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { ossInternalEndpoint } from '../../domain/jdcloud-rules/index.js';
import type { OssCredentials } from './oss-client.js';

/**
 * The same-region internal host JD's import downloads from: `s3` becomes `s3-internal`
 * (docs/reference/jdcloud-api.md §2.2). A public or other-region URL "affects the import".
 */
export const internalOssEndpoint = ossInternalEndpoint;

/** A presign-only client: it never sends a request, it only signs URLs for the internal host. */
export function createImageUrlSigner(region: string, credentials: OssCredentials): S3Client {
  return new S3Client({
    region,
    endpoint: internalOssEndpoint(region),
    forcePathStyle: false,
    credentials,
    // Otherwise the URL carries x-amz-checksum-mode and the CRC32 of an empty body, which
    // JD's downloader has no use for.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

export interface ImageUrlRequest {
  region: string;
  bucket: string;
  key: string;
  expiresInSeconds: number;
  signingDate: Date;
}

/**
 * `https://<bucket>.s3-internal.<region>.jdcloud-oss.com/<key>` presigned with SigV4, so
 * private buckets work. The SDK percent-encodes each key segment (RFC 3986, `/` kept).
 */
export async function presignImageUrl(signer: S3Client, request: ImageUrlRequest): Promise<string> {
  return getSignedUrl(signer, new GetObjectCommand({ Bucket: request.bucket, Key: request.key }), {
    expiresIn: request.expiresInSeconds,
    signingDate: request.signingDate,
    signingRegion: request.region,
  });
}
