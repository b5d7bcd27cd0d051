// The parts of s3rver 3.7 (a Koa app) that the local stack touches; it ships no types.
declare module 's3rver' {
  import type { EventEmitter } from 'node:events';

  interface S3rverOptions {
    address?: string;
    port?: number;
    directory: string;
    silent?: boolean;
    resetOnClose?: boolean;
    configureBuckets?: Array<{ name: string }>;
  }

  interface S3Object {
    bucket: string;
    key: string;
    content: Buffer | NodeJS.ReadableStream;
    metadata: Record<string, string>;
  }

  interface FilesystemStore {
    getResourcePath(bucket: string, key: string, resource: string): string;
    putObject(object: S3Object): Promise<{ size: number; md5: string }>;
    putMetadata(bucket: string, key: string, metadata: Record<string, string>, md5: string): Promise<void>;
    getMetadata(bucket: string, key: string): Promise<Record<string, string>>;
    putSubresource(bucket: string, key: string, resource: { type: string; toXML(space?: number): string }): Promise<void>;
    deleteSubresource(bucket: string, key: string, type: string): Promise<void>;
    /** Where a bucket's or key's resource lives on disk, e.g. the `uploads` folder of multipart uploads. */
    getResourcePath(bucket: string, key: string | undefined, resource: string): string;
  }

  interface KoaContext {
    method: string;
    path: string;
    querystring: string;
    query: Record<string, string | string[] | undefined>;
    status: number;
    body: unknown;
    type: string;
    request: { headers: Record<string, string | string[] | undefined> };
    res: import('node:http').ServerResponse;
    get(name: string): string;
  }

  type Middleware = (ctx: KoaContext, next: () => Promise<void>) => Promise<void>;

  class S3rver extends EventEmitter {
    constructor(options: S3rverOptions);
    middleware: Middleware[];
    store: FilesystemStore;
    /** Creates the buckets of `configureBuckets` in the store (what run() does before listening). */
    configureBuckets(): Promise<void>;
    /** Koa's request handler; composes the middleware, so every fix must be applied before. */
    callback(): (request: import('node:http').IncomingMessage, response: import('node:http').ServerResponse) => void;
    run(): Promise<{ address: string; port: number }>;
    close(): Promise<void>;
  }

  export default S3rver;
}

declare module 's3rver/lib/models/config.js' {
  export class TaggingConfiguration {
    constructor(xml: string);
    type: string;
    toXML(space?: number): string;
  }
}

declare module 's3rver/lib/models/error.js' {
  /** s3rver renders a thrown S3Error as S3's XML error document with its status (InvalidArgument → 400, AccessDenied → 403, …). */
  export default class S3Error extends Error {
    constructor(code: string, message: string, detail?: Record<string, string>);
    code: string;
    status: number;
  }
}
