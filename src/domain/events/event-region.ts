import type { Problem } from '../../kernel/index.js';
import type { Upload } from './upload.js';

/**
 * An upload whose event names another JD region is not imported: importImage downloads only
 * from an internal OSS address of its own region (docs/reference/jdcloud-api.md §2.2), and the
 * function's region is the configured one, not one a sender claims.
 */
export function eventRegionProblem(upload: Pick<Upload, 'region' | 'eventRegion'>): Problem | undefined {
  const { region, eventRegion } = upload;
  if (eventRegion === undefined || eventRegion === region) return undefined;
  return {
    code: 'region-mismatch',
    field: 'region',
    value: eventRegion,
    message:
      `The event names region ${eventRegion}, but this function imports in ${region} (JDCLOUD_REGION): JD Cloud imports only from an internal OSS address of its own region. ` +
      `Send events for this bucket to a function deployed in ${eventRegion}, or upload the image to a bucket in ${region}.`,
  };
}
