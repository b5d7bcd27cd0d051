import * as z from '../../../kernel/zod.js';
import type { JdCloudClient } from '../client/create-jdcloud-client.js';
import { encodeRfc3986 } from '../signing/canonical-request.js';
import { imageIdSchema, parseInput } from './input-rules.js';

/** `result.image` of describeImage (Go model `vm/models/Image.go`); fields the API may omit are optional. */
export const vmImageSchema = z.object({
  imageId: z.string(),
  name: z.optional(z.string()),
  platform: z.optional(z.string()),
  osVersion: z.optional(z.string()),
  architecture: z.optional(z.string()),
  osType: z.optional(z.string()),
  systemDiskSizeGB: z.optional(z.number()),
  imageSource: z.optional(z.string()),
  status: z.string(),
  createTime: z.optional(z.string()),
  sizeMB: z.optional(z.number()),
  desc: z.optional(z.string()),
  snapshotId: z.optional(z.string()),
  rootDeviceType: z.optional(z.string()),
  // A string of percent digits in the Go model, unlike a task's integer progress.
  progress: z.optional(z.pipe(z.union([z.string(), z.number()]), z.transform(String))),
  imported: z.optional(z.boolean()),
});

export type VmImage = z.output<typeof vmImageSchema>;

const describeImageResultSchema = z.object({ image: vmImageSchema });

export interface DescribeImageResult {
  image: VmImage;
  requestId: string;
  attempts: number;
}

/** `GET /v1/regions/{regionId}/images/{imageId}` in any region (a copy is described in its destination region). */
export async function describeImage(client: JdCloudClient, regionId: string, imageId: string): Promise<DescribeImageResult> {
  const id = parseInput('describeImage', imageIdSchema, imageId);
  const response = await client.call({
    method: 'GET',
    regionId,
    // Encoded as one segment, so an id can never reach another path.
    path: `/images/${encodeRfc3986(id)}`,
    schema: describeImageResultSchema,
  });
  return { image: response.result.image, requestId: response.requestId, attempts: response.attempts };
}
