import type { S3Client } from '@aws-sdk/client-s3';
import type { Config } from '../config/index.js';
import type { Upload } from '../../domain/events/index.js';
import type { ImportRequestDraft } from '../../domain/import-request/index.js';
import type { RecordedFailure, Submission } from '../../domain/status/index.js';
import type { ImportImageInput } from '../../adapters/jdcloud/index.js';
import { presignImageUrl } from '../../adapters/oss/index.js';
import { redactImageUrl } from '../../kernel/index.js';
import { describeFailure } from './import-error.js';

/** The one VM API call the pipeline makes (src/adapters/jdcloud/vm). */
export interface ImageImporter {
  importImage(regionId: string, input: ImportImageInput): Promise<{ imageId: string; taskId: string; requestId: string; attempts: number }>;
}

/** What presigning and importing need. */
export interface SubmitDeps {
  /** Presign-only client for the region's internal OSS host. */
  imageUrlSigner: (region: string) => S3Client;
  vm: ImageImporter;
  config: Config;
  now: () => Date;
}

/** JD took the import, or the call failed (and whether trying again may help). */
export type SubmitResult = { kind: 'submitted'; submission: Submission } | { kind: 'failed'; failure: RecordedFailure };

/** Builds the full importImage body: the draft plus the presigned internal URL. */
export async function buildImportRequest(upload: Upload, key: string, draft: ImportRequestDraft, deps: SubmitDeps): Promise<ImportImageInput> {
  const imageUrl = await presignImageUrl(deps.imageUrlSigner(upload.region), {
    region: upload.region,
    bucket: upload.bucket,
    key,
    expiresInSeconds: deps.config.imageUrlExpiresSeconds,
    signingDate: deps.now(),
  });
  return { ...draft, imageUrl };
}

/** The request as records and `plan` show it: the presigned URL's signature and key id redacted. */
export function redactRequest(request: ImportImageInput): Record<string, unknown> {
  return { ...request, imageUrl: redactImageUrl(request.imageUrl) };
}

/** Presigns the URL and calls importImage once (the client retries what is worth retrying). Never throws. */
export async function submitImport(upload: Upload, key: string, draft: ImportRequestDraft, deps: SubmitDeps): Promise<SubmitResult> {
  let request: ImportImageInput | undefined;
  try {
    request = await buildImportRequest(upload, key, draft, deps);
    const result = await deps.vm.importImage(upload.region, request);
    return {
      kind: 'submitted',
      submission: { request: redactRequest(request), imageId: result.imageId, taskId: result.taskId, clientToken: draft.clientToken, attempts: result.attempts },
    };
  } catch (error) {
    const { attempts, ...recorded } = describeFailure(error);
    return {
      kind: 'failed',
      failure: {
        error: recorded,
        ...(attempts !== undefined ? { attempts } : {}),
        ...(request !== undefined ? { request: redactRequest(request) } : {}),
        clientToken: draft.clientToken,
      },
    };
  }
}
