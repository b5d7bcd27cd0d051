import * as z from '../../../kernel/zod.js';
import type { JdCloudClient } from '../client/create-jdcloud-client.js';
import { vmImageSchema, type VmImage } from './describe-image.js';
import { parseInput } from './input-rules.js';

/**
 * Up to 100 image ids a call (`ids.N`), one page of pageSize 100: describeImages' documented
 * range is [10, 100]. Used to check many imports at once instead of one describeImage each.
 */
const describeImagesQuerySchema = z.strictObject({
  ids: z
    .array(z.string().check(z.minLength(1), z.maxLength(64)))
    .check(z.minLength(1, { error: 'at least one image id' }), z.maxLength(100, { error: 'at most 100 image ids per call' })),
});

const describeImagesResultSchema = z.object({
  images: z.pipe(z.nullable(z.array(vmImageSchema)), z.transform((images) => images ?? [])),
  totalCount: z.number().check(z.int(), z.nonnegative()),
});

export interface DescribeImagesResult {
  images: VmImage[];
  requestId: string;
  attempts: number;
}

/** `GET /v1/regions/{regionId}/images?ids.1=…` — the images with these ids (unknown ids are absent). */
export async function describeImages(client: JdCloudClient, regionId: string, ids: readonly string[]): Promise<DescribeImagesResult> {
  const checked = parseInput('describeImages', describeImagesQuerySchema, { ids: [...ids] });
  const response = await client.call({
    method: 'GET',
    regionId,
    path: '/images',
    query: { ids: checked.ids, pageNumber: 1, pageSize: 100 },
    schema: describeImagesResultSchema,
  });
  return { images: response.result.images, requestId: response.requestId, attempts: response.attempts };
}
