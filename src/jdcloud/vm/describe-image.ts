import * as z from 'zod';
import type { JdCloudClient } from '../client/create-jdcloud-client.js';
import { encodeRfc3986 } from '../signing/rfc3986.js';
import { parseInput } from './input-rules.js';

export const imageStatuses = ['pending', 'ready', 'deleting', 'error'] as const;

/** `result.image` of describeImage (Go model `vm/models/Image.go`); fields the API may omit are optional. */
export const vmImageSchema = z.object({
  imageId: z.string(),
  name: z.string().optional(),
  platform: z.string().optional(),
  osVersion: z.string().optional(),
  architecture: z.string().optional(),
  osType: z.string().optional(),
  systemDiskSizeGB: z.number().optional(),
  imageSource: z.string().optional(),
  status: z.string(),
  createTime: z.string().optional(),
  sizeMB: z.number().optional(),
  desc: z.string().optional(),
  snapshotId: z.string().optional(),
  rootDeviceType: z.string().optional(),
  // A string of percent digits in the Go model, unlike a task's integer progress.
  progress: z.union([z.string(), z.number()]).transform(String).optional(),
  imported: z.boolean().optional(),
});

export type VmImage = z.output<typeof vmImageSchema>;

const describeImageResultSchema = z.object({ image: vmImageSchema });

const imageIdSchema = z.string().min(1, { error: 'must not be empty' }).max(64, { error: 'must be at most 64 characters' });

export interface DescribeImageResult {
  image: VmImage;
  requestId: string;
  attempts: number;
}

/** `GET /v1/regions/{regionId}/images/{imageId}`. */
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
