import type { S3Client } from '@aws-sdk/client-s3';
import { createOssClient } from '../src/adapters/oss/index.js';
import { localOssCredentials } from '../src/edges/local/index.js';

/** One call a client sent to the store: the operation (`GetObject`, …) and the key it named. */
export interface S3Request {
  operation: string;
  key: string | undefined;
}

/** A client of its own for the local OSS, so what it records is what one caller sent. */
export function localOssClient(endpoint: string): S3Client {
  return createOssClient({ region: 'cn-north-1', endpoint, credentials: localOssCredentials });
}

function requestOf(commandName: unknown, input: unknown): S3Request {
  const key = typeof input === 'object' && input !== null && 'Key' in input && typeof input.Key === 'string' ? input.Key : undefined;
  return { operation: String(commandName).replace(/Command$/, ''), key };
}

/** Records every call the client sends from now on, in order. */
export function recordS3Requests(s3: S3Client): S3Request[] {
  const requests: S3Request[] = [];
  s3.middlewareStack.add(
    (next, context) => async (args) => {
      requests.push(requestOf(context.commandName, args.input));
      return next(args);
    },
    { step: 'initialize', name: 'recordS3Requests' },
  );
  return requests;
}

/** How a refused call fails: as an S3 error of this name and HTTP status. */
export interface S3Refusal {
  name: string;
  status: number;
  message: string;
}

const serviceUnavailable: S3Refusal = { name: 'ServiceUnavailable', status: 503, message: 'We encountered an internal error. Please try again.' };

/**
 * Makes the calls `refuse` picks fail as a store answering `answer` (by default 503) would,
 * every retry included, before anything is sent; the others go to the store as usual.
 */
export function refuseS3Requests(s3: S3Client, refuse: (request: S3Request) => boolean, answer: S3Refusal = serviceUnavailable): void {
  s3.middlewareStack.add(
    (next, context) => async (args) => {
      if (refuse(requestOf(context.commandName, args.input))) {
        throw Object.assign(new Error(answer.message), { name: answer.name, $metadata: { httpStatusCode: answer.status } });
      }
      return next(args);
    },
    { step: 'initialize', name: 'refuseS3Requests' },
  );
}
