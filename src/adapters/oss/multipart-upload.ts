import { AbortMultipartUploadCommand, CompleteMultipartUploadCommand, CreateMultipartUploadCommand, PutObjectTaggingCommand, type S3Client, UploadPartCommand } from '@aws-sdk/client-s3';
import { ObjectStoreError } from './object-store-error.js';

export interface MultipartTarget {
  bucket: string;
  key: string;
  /** User metadata (x-amz-meta-…), names without the prefix. */
  metadata: Record<string, string>;
  /** Object tags, set once the upload is complete (where the store has tagging). */
  tags?: Record<string, string>;
}

/**
 * The S3 calls of a multipart upload, one each; a failure is an ObjectStoreError naming the
 * object (and the part). Filling parts and ordering the calls is the caller's (use-cases/unpacking
 * multipart-writer.ts).
 */
export interface MultipartCalls {
  /** Resolves the upload id. */
  create(target: MultipartTarget): Promise<string>;
  /** Resolves the part's ETag. */
  uploadPart(target: MultipartTarget, uploadId: string, partNumber: number, body: Uint8Array): Promise<string>;
  /** Resolves the object's ETag, unquoted. */
  complete(target: MultipartTarget, uploadId: string, parts: ReadonlyArray<{ ETag: string; PartNumber: number }>): Promise<string>;
  abort(target: MultipartTarget, uploadId: string): Promise<void>;
  /** Tags the completed object: RGW ignores x-amz-tagging on CreateMultipartUpload. */
  tag(target: MultipartTarget, tags: Record<string, string>): Promise<void>;
}

/**
 * With `signal`, CreateMultipartUpload and UploadPart stop when it aborts (the unpack's deadline).
 * AbortMultipartUpload must still reach the store to clean up, and CompleteMultipartUpload and
 * PutObjectTagging must end whichever way the store took them: cut off, the sibling may exist
 * untagged while the record says the unpack ran out of time, and nothing would import it.
 */
export function multipartCalls(s3: S3Client, signal?: AbortSignal): MultipartCalls {
  const abortable = signal && { abortSignal: signal };
  const where = (target: MultipartTarget) => `s3://${target.bucket}/${target.key}`;
  const call = async <T>(operation: string, target: string, send: () => Promise<T>): Promise<T> => {
    try {
      return await send();
    } catch (error) {
      throw new ObjectStoreError(operation, target, error);
    }
  };
  return {
    create: (target) =>
      call('CreateMultipartUpload', where(target), async () => {
        const created = await s3.send(new CreateMultipartUploadCommand({ Bucket: target.bucket, Key: target.key, Metadata: target.metadata, ContentType: 'application/octet-stream' }), abortable);
        if (created.UploadId === undefined) throw new Error('no UploadId in the answer');
        return created.UploadId;
      }),
    uploadPart: (target, uploadId, partNumber, body) =>
      call('UploadPart', `${where(target)} (part ${partNumber})`, async () => {
        const answer = await s3.send(new UploadPartCommand({ Bucket: target.bucket, Key: target.key, UploadId: uploadId, PartNumber: partNumber, Body: body, ContentLength: body.length }), abortable);
        return answer.ETag ?? '';
      }),
    complete: (target, uploadId, parts) =>
      call('CompleteMultipartUpload', where(target), async () => {
        const done = await s3.send(new CompleteMultipartUploadCommand({ Bucket: target.bucket, Key: target.key, UploadId: uploadId, MultipartUpload: { Parts: [...parts] } }));
        return (done.ETag ?? '').replace(/"/g, '');
      }),
    abort: (target, uploadId) =>
      call('AbortMultipartUpload', where(target), async () => {
        await s3.send(new AbortMultipartUploadCommand({ Bucket: target.bucket, Key: target.key, UploadId: uploadId }));
      }),
    tag: (target, tags) =>
      call('PutObjectTagging', where(target), async () => {
        await s3.send(new PutObjectTaggingCommand({ Bucket: target.bucket, Key: target.key, Tagging: { TagSet: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) } }));
      }),
  };
}
