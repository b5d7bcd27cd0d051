import { maxCopyImagesSourceIds } from '../../../domain/jdcloud-rules/index.js';
import * as z from '../../../kernel/zod.js';
import type { JdCloudClient } from '../client/create-jdcloud-client.js';
import { JdCloudInputError } from '../errors.js';
import { imageIdSchema, parseInput, regionIdSchema } from './input-rules.js';

/**
 * The body of `POST /v1/regions/{regionId}/images:copyImages` (docs/reference/jdcloud-api.md
 * §2.7): 1 to 10 distinct private image ids and the region to copy them to.
 */
export const copyImagesInputSchema = z.strictObject({
  sourceImageIds: z
    .array(imageIdSchema)
    .check(
      z.minLength(1, { error: 'must list at least one image id' }),
      z.maxLength(maxCopyImagesSourceIds, { error: (issue) => `must list at most ${maxCopyImagesSourceIds} image ids per call; got ${(issue.input as unknown[]).length}` }),
      z.refine((ids) => new Set(ids).size === ids.length, { error: 'must not list an image id twice' }),
    ),
  destinationRegion: regionIdSchema,
});

export type CopyImagesInput = z.input<typeof copyImagesInputSchema>;

/** One pair of `result.copyImages`: the destination image is a new id in the destination region. */
export interface ImageCopy {
  sourceImageId: string;
  destinationImageId: string;
}

const copyImagesResultSchema = z.object({
  copyImages: z.pipe(
    z.nullable(z.array(z.object({ sourceImageId: z.string(), destinationImageId: z.string() }))),
    z.transform((copies) => copies ?? []),
  ),
});

export interface CopyImagesResult {
  copyImages: ImageCopy[];
  requestId: string;
  attempts: number;
}

/**
 * Starts copying images of `regionId` to `destinationRegion`. The copies begin `pending` and
 * turn `ready` there on their own: poll describeImage/describeImages in the destination region.
 * Copying into the source region itself is refused before anything is sent.
 */
export async function copyImages(client: JdCloudClient, regionId: string, input: CopyImagesInput): Promise<CopyImagesResult> {
  const body = parseInput('copyImages', copyImagesInputSchema, input);
  if (body.destinationRegion === regionId) {
    throw new JdCloudInputError('copyImages', [
      { path: 'destinationRegion', message: `must be another region than the source region; got ${JSON.stringify(regionId)}` },
    ]);
  }
  const response = await client.call({ method: 'POST', regionId, path: '/images:copyImages', body, schema: copyImagesResultSchema });
  return { copyImages: response.result.copyImages, requestId: response.requestId, attempts: response.attempts };
}
