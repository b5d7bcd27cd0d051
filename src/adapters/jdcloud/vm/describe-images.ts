import { describeImagesPageSize, imageStatuses } from '../../../domain/jdcloud-rules/index.js';
import * as z from '../../../kernel/zod.js';
import type { JdCloudClient } from '../client/create-jdcloud-client.js';
import { vmImageSchema, type VmImage } from './describe-image.js';
import { imageIdSchema, oneOf, parseInput } from './input-rules.js';

const { min, max } = describeImagesPageSize;
const pageSizeError = `must be ${min} to ${max} (describeImages' documented range)`;

/** `imageSource` of describeImages (§2.4); required unless `ids` is given. */
export const imageSources = ['public', 'thirdparty', 'private', 'shared', 'community'] as const;

/**
 * Query of `GET /v1/regions/{regionId}/images` (docs/reference/jdcloud-api.md §2.4): `ids`
 * (sent as `ids.N`) or an `imageSource`, an optional `status`, one page. `pageSize` defaults
 * to 100, the documented maximum, so 100 ids cost one call.
 */
export const describeImagesQuerySchema = z
  .strictObject({
    ids: z.optional(z.array(imageIdSchema).check(z.maxLength(max, { error: `at most ${max} image ids per call` }))),
    imageSource: z.optional(oneOf(imageSources)),
    status: z.optional(oneOf(imageStatuses)),
    pageNumber: z._default(z.number().check(z.int(), z.gte(1, { error: 'must be 1 or more' })), 1),
    pageSize: z._default(z.number().check(z.int(), z.gte(min, { error: pageSizeError }), z.lte(max, { error: pageSizeError })), max),
  })
  .check(
    z.refine((query) => (query.ids !== undefined && query.ids.length > 0) || query.imageSource !== undefined, {
      error: 'give ids (at least one image id) or an imageSource',
    }),
  );

export type DescribeImagesQuery = z.input<typeof describeImagesQuerySchema>;

const describeImagesResultSchema = z.object({
  images: z.pipe(z.nullable(z.array(vmImageSchema)), z.transform((images) => images ?? [])),
  totalCount: z.number().check(z.int(), z.nonnegative()),
});

export interface DescribeImagesResult {
  images: VmImage[];
  /** Images matching the query in all pages. */
  totalCount: number;
  requestId: string;
  attempts: number;
}

/**
 * `GET /v1/regions/{regionId}/images` in any region: the images with these ids (unknown ids
 * are absent), or one page of a query such as `{ imageSource: 'private', status: 'pending' }`.
 */
export async function describeImages(
  client: JdCloudClient,
  regionId: string,
  idsOrQuery: readonly string[] | DescribeImagesQuery,
): Promise<DescribeImagesResult> {
  const query = isIdList(idsOrQuery) ? { ids: [...idsOrQuery] } : idsOrQuery;
  const checked = parseInput('describeImages', describeImagesQuerySchema, query);
  const response = await client.call({ method: 'GET', regionId, path: '/images', query: checked, schema: describeImagesResultSchema });
  return { ...response.result, requestId: response.requestId, attempts: response.attempts };
}

function isIdList(value: readonly string[] | DescribeImagesQuery): value is readonly string[] {
  return Array.isArray(value);
}
