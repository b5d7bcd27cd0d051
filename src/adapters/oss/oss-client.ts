import { S3Client } from '@aws-sdk/client-s3';
import { ossPublicEndpoint } from '../../domain/jdcloud-rules/index.js';

export interface OssCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface OssClientOptions {
  region: string;
  credentials: OssCredentials;
  /** Defaults to the region's public JD OSS endpoint. */
  endpoint?: string;
  forcePathStyle?: boolean;
  maxAttempts?: number;
  /** Milliseconds a connection may stay silent before the call fails (ossSocketTimeoutMs); tests shorten it. */
  socketTimeoutMs?: number;
}

/**
 * A connection that moves no byte for 2 minutes is dead: the call fails with a retryable
 * TimeoutError instead of hanging until fc kills the function (a stalled GET body or UploadPart
 * otherwise waits forever: the SDK sets no timeout of its own). It counts silence, not the
 * whole call, so a 52 MiB part on a slow link from the CLI is not cut off; 2 minutes leaves
 * RGW room to assemble a large CompleteMultipartUpload, which sends nothing until it is done.
 */
export const ossSocketTimeoutMs = 120_000;

/** A TCP connection to the endpoint that is not up in 10 s will not come up (Linux alone waits ~2 min). */
const ossConnectionTimeoutMs = 10_000;

/** The public JD OSS endpoint of a region, e.g. https://s3.cn-north-1.jdcloud-oss.com. */
export const publicOssEndpoint = ossPublicEndpoint;

/**
 * An S3 client set up for JD OSS and the local S3 servers we test against. Checksums only
 * when required: since client-s3 3.729 the SDK sends aws-chunked trailers by default, which
 * JD OSS, RGW 16 and s3rver mishandle (docs/reference/jdcloud-api.md §4.3).
 */
export function createOssClient(options: OssClientOptions): S3Client {
  return new S3Client({
    region: options.region,
    endpoint: options.endpoint ?? publicOssEndpoint(options.region),
    forcePathStyle: options.forcePathStyle ?? true,
    credentials: options.credentials,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: options.maxAttempts ?? 3,
    requestHandler: { socketTimeout: options.socketTimeoutMs ?? ossSocketTimeoutMs, connectionTimeout: ossConnectionTimeoutMs },
  });
}

/** The client for the configured region and endpoint (OSS_ENDPOINT, else the region's public one). */
export function ossClientFor(config: { region: string; ossEndpoint?: string }, credentials: OssCredentials): S3Client {
  return createOssClient({ region: config.region, credentials, ...(config.ossEndpoint !== undefined ? { endpoint: config.ossEndpoint } : {}) });
}
