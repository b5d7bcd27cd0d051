import type { Problem } from '../../kernel/index.js';
import type { DetectedFormat } from './disk-format.js';

/** Facts about an image beyond its format and size; JSON-serialisable, shown by `inspect`. */
export interface ImageDetails {
  /** One line for people, e.g. "qcow2 v3, 64 KiB clusters". */
  summary: string;
  /** Observations that do not block an import but that a user may want to know. */
  warnings: string[];
  [fact: string]: unknown;
}

/** What one format probe found: the format it recognises, and everything it learned. */
export interface FormatMatch {
  format: DetectedFormat;
  /** Null when the header does not say or was not within the bytes read. */
  virtualSizeBytes: number | null;
  details: ImageDetails;
  problems: Problem[];
  /**
   * A weak match is a signature found where data of another format could hold it by chance
   * (a VHD footer at the end of a file whose footer does not describe the file). It counts only
   * when nothing else matched.
   */
  weak?: true;
}

/** A blocking problem found in the object's bytes. */
export function contentProblem(code: string, message: string, value?: string): Problem {
  return value === undefined ? { code, field: 'content', message } : { code, field: 'content', value, message };
}
