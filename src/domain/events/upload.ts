/** One object-created notification, normalised from whichever shape delivered it. */
export interface Upload {
  /** Where the function imports: the configured region (JDCLOUD_REGION), never one an event names. */
  region: string;
  /** The JD region the event named, when it named one; an upload from another region is not imported. */
  eventRegion?: string;
  bucket: string;
  /**
   * Keys to try, most likely first. S3-style senders disagree on encoding: AWS form-encodes
   * the key (`+` is a space), RGW and s3rver send it raw, JD's callbacks are undocumented.
   * When the candidates differ, the first one that exists is the object.
   */
  keyCandidates: [string, ...string[]];
  /** As the event named it, without the `s3:` prefix, e.g. `ObjectCreated:Put`. */
  eventName: string;
  /** Unquoted ETag from the event, when the sender gave one. */
  etag?: string;
  size?: number;
  /** Where the event came from, for logs: `jdcloud-function`, `aws:s3`, `ceph:s3`, … */
  source: string;
}

/** A record that will not be imported, and why (logged, never an error). */
export interface SkippedRecord {
  index: number;
  reason: string;
  bucket?: string;
  key?: string;
}

/** A record whose shape we could not read; the others in the event still import. */
export interface InvalidRecord {
  index: number;
  issues: string[];
}

export interface ParsedEvent {
  uploads: Array<Upload & { index: number }>;
  skipped: SkippedRecord[];
  invalid: InvalidRecord[];
}
