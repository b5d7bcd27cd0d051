import * as z from '../../kernel/zod.js';
import { isDocumentedRegion, isRegionId } from '../../domain/jdcloud-rules/index.js';
import { keyCandidates } from './decode-event-key.js';
import { normaliseEventName } from './event-name.js';
import { jdcloudFunctionRecordSchema } from './jdcloud-function-event.js';
import { s3NotificationRecordSchema } from './s3-notification.js';
import type { InvalidRecord, Upload } from './upload.js';

const envelopeSchema = z.object({ Records: z.array(z.unknown()) });

export interface ParsedRecords {
  records: Array<Upload & { index: number }>;
  invalid: InvalidRecord[];
  /** Set when the event is not a notification at all, e.g. S3's `s3:TestEvent`. */
  notANotification?: string;
}

/** Formats zod issues as `record 3: s3.object.key: required`-style lines. */
function describeIssues(index: number, error: z.core.$ZodError): string[] {
  return error.issues.map((issue) => {
    const path = issue.path.join('.');
    return `record ${index}: ${path === '' ? '(record)' : path}: ${issue.message}`;
  });
}

/**
 * Which encoding a sender uses for keys. AWS form-encodes; RGW and s3rver send raw keys
 * (measured, see docs/reference/local-s3-servers.md); JD's senders are undocumented.
 */
function keyEncodingOf(eventSource: string | undefined): 'encoded' | 'raw' | 'unknown' {
  if (eventSource === 'aws:s3') return 'encoded';
  if (eventSource === 'ceph:s3' || eventSource === 'minio:s3') return 'raw';
  return 'unknown';
}

/**
 * A platform may hand the event over as JSON text or bytes (fc's invokeFunction takes "a JSON
 * text string"); anything else is taken as already parsed.
 */
function jsonValueOf(delivered: unknown): unknown {
  if (typeof delivered !== 'string' && !(delivered instanceof Uint8Array)) return delivered;
  try {
    return JSON.parse(typeof delivered === 'string' ? delivered : new TextDecoder().decode(delivered));
  } catch {
    return delivered;
  }
}

/**
 * The JD region a record names, if it names one. RGW sends `""`, s3rver and AWS-shaped senders
 * `us-east-1`, MinIO whatever it was set to: those say nothing about where the bucket is.
 */
function jdRegionOf(region: string | undefined): string | undefined {
  if (region === undefined || !isRegionId(region)) return undefined;
  // JD's regions are cn-* (cn-north-1, cn-east-2, internal ones like cn-func-2).
  return region.startsWith('cn-') || isDocumentedRegion(region) ? region : undefined;
}

/** The function's region, and the JD region the record named (which may be another). */
function regionsOf(named: string | undefined, configuredRegion: string): Pick<Upload, 'region' | 'eventRegion'> {
  const eventRegion = jdRegionOf(named);
  return { region: configuredRegion, ...(eventRegion !== undefined ? { eventRegion } : {}) };
}

/**
 * Reads every record of an upload event, in either delivery shape. A bad record is reported
 * in `invalid` and never stops the good ones.
 */
export function parseEventRecords(delivered: unknown, configuredRegion: string): ParsedRecords {
  const event = jsonValueOf(delivered);
  const envelope = envelopeSchema.safeParse(event);
  if (!envelope.success) {
    const testEvent = z.object({ Event: z.string() }).safeParse(event);
    if (testEvent.success && testEvent.data.Event.endsWith('TestEvent')) {
      return { records: [], invalid: [], notANotification: 's3:TestEvent' };
    }
    return { records: [], invalid: [{ index: -1, issues: ['event: expected an object with a "Records" array'] }] };
  }

  const records: ParsedRecords['records'] = [];
  const invalid: InvalidRecord[] = [];
  envelope.data.Records.forEach((raw, index) => {
    const isFunctionShape = typeof raw === 'object' && raw !== null && 'detail' in raw;
    if (isFunctionShape) {
      const parsed = jdcloudFunctionRecordSchema.safeParse(raw);
      if (!parsed.success) {
        invalid.push({ index, issues: describeIssues(index, parsed.error) });
        return;
      }
      const { detail, region } = parsed.data;
      const { object } = detail.s3;
      records.push({
        index,
        ...regionsOf(region, configuredRegion),
        bucket: detail.s3.bucket.name,
        keyCandidates: keyCandidates(object.key, 'unknown'),
        eventName: normaliseEventName(detail.eventName),
        ...(object.eTag !== undefined && object.eTag !== '' ? { etag: object.eTag.replace(/"/g, '') } : {}),
        ...(object.size !== undefined ? { size: object.size } : {}),
        source: 'jdcloud-function',
      });
      return;
    }
    const parsed = s3NotificationRecordSchema.safeParse(raw);
    if (!parsed.success) {
      invalid.push({ index, issues: describeIssues(index, parsed.error) });
      return;
    }
    const { s3, awsRegion, eventSource, eventName } = parsed.data;
    records.push({
      index,
      ...regionsOf(awsRegion, configuredRegion),
      bucket: s3.bucket.name,
      keyCandidates: keyCandidates(s3.object.key, keyEncodingOf(eventSource)),
      eventName: normaliseEventName(eventName),
      ...(s3.object.eTag !== undefined && s3.object.eTag !== '' ? { etag: s3.object.eTag.replace(/"/g, '') } : {}),
      ...(s3.object.size !== undefined ? { size: s3.object.size } : {}),
      source: eventSource ?? 's3',
    });
  });
  return { records, invalid };
}
