import { isAccountPin } from '../../../domain/jdcloud-rules/index.js';
import * as z from '../../../kernel/zod.js';
import type { JdCloudClient } from '../client/create-jdcloud-client.js';
import { encodeRfc3986 } from '../signing/canonical-request.js';
import { imageIdSchema, parseInput, typeError } from './input-rules.js';

/** A JD account pin, the id shareImage shares with: not empty, no whitespace. */
const pinSchema = z.string({ error: typeError('a JD account pin') }).check(
  z.refine((pin) => isAccountPin(pin), { error: (issue) => `must be a JD account pin without spaces; got ${JSON.stringify(issue.input)}` }),
);

/** The body of `POST /v1/regions/{regionId}/images/{imageId}:share` (docs/reference/jdcloud-api.md §2.8). */
export const shareImageInputSchema = z.strictObject({
  pins: z.array(pinSchema).check(z.minLength(1, { error: 'must list at least one account pin' })),
});

export type ShareImageInput = z.input<typeof shareImageInputSchema>;

export interface ShareImageResult {
  requestId: string;
  attempts: number;
}

/** Shares a ready private image with other accounts (their pins); the API's result is `{}`. */
export async function shareImage(client: JdCloudClient, regionId: string, imageId: string, input: ShareImageInput): Promise<ShareImageResult> {
  const id = parseInput('shareImage', imageIdSchema, imageId);
  const body = parseInput('shareImage', shareImageInputSchema, input);
  const response = await client.call({
    method: 'POST',
    regionId,
    // One encoded segment, so an id can never reach another path; `:share` as in images:import.
    path: `/images/${encodeRfc3986(id)}:share`,
    body,
    schema: z.unknown(),
  });
  return { requestId: response.requestId, attempts: response.attempts };
}
