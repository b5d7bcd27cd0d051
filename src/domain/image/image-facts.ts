import type { Problem } from '../../kernel/index.js';
import type { DetectedFormat } from './disk-format.js';
import type { ImageDetails } from './format-match.js';

export type { DetectedFormat } from './disk-format.js';

/** What the bytes say about an image: the result of `inspectImage`. */
export interface ImageFacts {
  format: DetectedFormat;
  /** From the header (raw: the object size); null when the header does not say or was not read. */
  virtualSizeBytes: number | null;
  details: ImageDetails;
  /** Every reason the image cannot be imported as it is; empty when it can. */
  problems: Problem[];
}
