import { unknownExtensionOf } from '../image/index.js';
import { isObjectCreated } from './event-name.js';
import { parseEventRecords } from './parse-event.js';
import type { ParsedEvent, SkippedRecord, Upload } from './upload.js';

export interface UploadPolicy {
  /** The function's region: every upload is imported there (or not at all). */
  region: string;
  /** Keys under this prefix are our own status records: never imported. */
  statusPrefix: string;
  /** When set, only these buckets import. */
  allowedBuckets?: readonly string[];
}

function skipReason(upload: Upload, policy: UploadPolicy): string | undefined {
  if (!isObjectCreated(upload.eventName)) return `event ${upload.eventName} does not create an object`;
  if (upload.keyCandidates.some((key) => key.startsWith(policy.statusPrefix))) {
    return `key is under the status prefix ${policy.statusPrefix}`;
  }
  // fc's short trigger suffixes (2, w, z) also fire for font.woff2: no disk image, no record.
  const unknown = unknownExtensionOf(upload.keyCandidates[0]);
  if (unknown !== undefined && upload.keyCandidates.every((key) => unknownExtensionOf(key) !== undefined)) {
    return `key ${unknown}: not a disk image, nor compressed or packaged`;
  }
  if (policy.allowedBuckets !== undefined && !policy.allowedBuckets.includes(upload.bucket)) {
    return `bucket ${upload.bucket} is not in the allowed buckets (${policy.allowedBuckets.join(', ')})`;
  }
  return undefined;
}

/** The policy the configuration sets: where records go, which buckets import. */
export function uploadPolicyOf(config: { region: string; statusPrefix: string; allowedBuckets?: string[] }): UploadPolicy {
  return {
    region: config.region,
    statusPrefix: config.statusPrefix,
    ...(config.allowedBuckets !== undefined ? { allowedBuckets: config.allowedBuckets } : {}),
  };
}

/** Records naming one object version (bucket, key spellings, ETag, claimed region) are one upload. */
function identityOf(upload: Upload): string {
  return JSON.stringify([upload.eventRegion ?? '', upload.bucket, upload.keyCandidates, upload.etag ?? '']);
}

/**
 * Parses an event and sorts its records into uploads to import, skipped ones and bad ones.
 * A record repeating an earlier one of the same event is skipped: importing it again would
 * only ask JD for the same image and count it twice.
 */
export function selectUploads(event: unknown, policy: UploadPolicy): ParsedEvent {
  const parsed = parseEventRecords(event, policy.region);
  const uploads: ParsedEvent['uploads'] = [];
  const skipped: SkippedRecord[] = [];
  const firstIndexOf = new Map<string, number>();
  if (parsed.notANotification !== undefined) {
    skipped.push({ index: -1, reason: `${parsed.notANotification} is not an upload` });
  }
  for (const upload of parsed.records) {
    const first = firstIndexOf.get(identityOf(upload));
    const reason = skipReason(upload, policy) ?? (first !== undefined ? `the same object as record ${first} of this event` : undefined);
    if (reason === undefined) {
      uploads.push(upload);
      firstIndexOf.set(identityOf(upload), upload.index);
    } else {
      skipped.push({ index: upload.index, reason, bucket: upload.bucket, key: upload.keyCandidates[0] });
    }
  }
  return { uploads, skipped, invalid: parsed.invalid };
}
