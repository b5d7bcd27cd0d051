import type { Upload } from '../../domain/events/index.js';
import { formatFromKey } from '../../domain/image/index.js';
import { isPackedKey } from '../../domain/unpacking/index.js';
import { boundedMap, type Problem } from '../../kernel/index.js';
import { buildImportRequest, type PipelineDeps, planUpload, processUpload, redactRequest, unpackDepsOf } from '../importing/index.js';
import { coversVersion, statusRecordKey } from '../../domain/status/index.js';
import { readStatusRecord } from '../../adapters/oss/index.js';
import { listObjectPages, type ListedObject } from './list-objects.js';

export interface BackfillOptions {
  bucket: string;
  prefix: string;
  concurrency: number;
  dryRun: boolean;
  force: boolean;
  /** Aborted on Ctrl-C: no new object starts, the ones in flight finish. */
  signal?: AbortSignal;
}

export type BackfillItem =
  | { key: string; outcome: 'submitted'; imageId: string; taskId: string }
  | { key: string; outcome: 'already-imported'; state: string }
  | { key: string; outcome: 'rejected'; problems: Problem[] }
  | { key: string; outcome: 'failed'; error: string; retryable: boolean }
  | { key: string; outcome: 'would-import'; request: Record<string, unknown> }
  | { key: string; outcome: 'would-reject'; problems: Problem[] };

export interface BackfillCounts {
  /** Objects listed so far, images or not. */
  listed: number;
  images: number;
  done: number;
  submitted: number;
  alreadyImported: number;
  rejected: number;
  failed: number;
  wouldImport: number;
  listingComplete: boolean;
  interrupted: boolean;
}

/**
 * Imports what is already in a bucket, page by page, with bounded concurrency: the same
 * pipeline as the function, skipping versions a status record already covers. Safe to
 * re-run: a finished object is skipped, an interrupted one is picked up again.
 */
export async function backfill(deps: PipelineDeps, options: BackfillOptions, onItem: (item: BackfillItem, counts: BackfillCounts) => void): Promise<BackfillCounts> {
  const counts: BackfillCounts = {
    listed: 0,
    images: 0,
    done: 0,
    submitted: 0,
    alreadyImported: 0,
    rejected: 0,
    failed: 0,
    wouldImport: 0,
    listingComplete: false,
    interrupted: false,
  };
  const stopped = () => options.signal?.aborted === true;
  // Compressed and packaged uploads (issue 14) are unpacked, then imported.
  const isImageKey = (key: string) => !key.startsWith(deps.config.statusPrefix) && (formatFromKey(key).ok || isPackedKey(key));

  for await (const page of listObjectPages(deps.s3, options.bucket, options.prefix)) {
    counts.listed += page.length;
    const images = page.filter((object) => isImageKey(object.key));
    counts.images += images.length;
    await boundedMap(images, options.concurrency, async (object) => {
      if (stopped()) return;
      const item = await backfillObject(deps, options, object);
      counts.done++;
      tally(counts, item);
      onItem(item, counts);
    });
    if (stopped()) break;
  }
  counts.interrupted = stopped();
  counts.listingComplete = !counts.interrupted;
  return counts;
}

function tally(counts: BackfillCounts, item: BackfillItem): void {
  switch (item.outcome) {
    case 'submitted':
      counts.submitted++;
      break;
    case 'already-imported':
      counts.alreadyImported++;
      break;
    case 'rejected':
    case 'would-reject':
      counts.rejected++;
      break;
    case 'failed':
      counts.failed++;
      break;
    case 'would-import':
      counts.wouldImport++;
      break;
  }
}

async function backfillObject(deps: PipelineDeps, options: BackfillOptions, object: ListedObject): Promise<BackfillItem> {
  const { key } = object;
  const upload: Upload = {
    region: deps.config.region,
    bucket: options.bucket,
    keyCandidates: [key],
    eventName: 'ObjectCreated:Put',
    etag: object.etag,
    size: object.size,
    source: 'backfill',
  };
  try {
    // One small GET decides most objects on a re-run, before any byte of the image is read;
    // the pipeline is handed what it found, so it is not read twice.
    const knownStatus = options.force ? undefined : await readStatusRecord(deps.s3, options.bucket, statusRecordKey(deps.config.statusPrefix, key));
    if (knownStatus?.kind === 'record' && coversVersion(knownStatus.record, object.etag)) {
      return { key, outcome: 'already-imported', state: knownStatus.record.state };
    }
    const uploadOptions = { force: options.force, recordMissing: false, ...(knownStatus !== undefined ? { knownStatus } : {}) };
    if (options.dryRun) {
      const planned = await planUpload(upload, deps, uploadOptions);
      if (planned.kind === 'not-found') return { key, outcome: 'failed', error: 'deleted while the bucket was being listed', retryable: false };
      if (planned.kind === 'packed') {
        // What would be unpacked, and the request its sibling would get (issue 14). Loaded here
        // only, as the pipeline does: the functions' bundles keep unpacking in a file of its own.
        const { planPackedUpload } = await import('../unpacking/index.js');
        const plan = await planPackedUpload(planned, unpackDepsOf(deps));
        if (plan.problems.length > 0) return { key, outcome: 'would-reject', problems: plan.problems };
        return { key, outcome: 'would-import', request: { unpackTo: plan.unpack.to, ...plan.decision?.request } };
      }
      if (!planned.decision.ok) return { key, outcome: 'would-reject', problems: planned.decision.problems };
      const request = await buildImportRequest(upload, key, planned.decision.request, deps);
      return { key, outcome: 'would-import', request: redactRequest(request) };
    }
    const outcome = await processUpload(upload, deps, uploadOptions);
    switch (outcome.outcome) {
      case 'submitted':
        return { key, outcome: 'submitted', imageId: outcome.imageId, taskId: outcome.taskId };
      case 'duplicate':
        return { key, outcome: 'already-imported', state: outcome.state };
      case 'rejected':
        return { key, outcome: 'rejected', problems: outcome.problems };
      case 'deferred':
        // Its packed upload (listed too) imports it.
        return { key, outcome: 'already-imported', state: `unpacked from ${outcome.packedKey}` };
      case 'not-found':
        return { key, outcome: 'failed', error: 'deleted while the bucket was being listed', retryable: false };
      case 'failed':
        return { key, outcome: 'failed', error: outcome.error, retryable: outcome.retryable };
    }
  } catch (error) {
    return { key, outcome: 'failed', error: error instanceof Error ? error.message : String(error), retryable: true };
  }
}
