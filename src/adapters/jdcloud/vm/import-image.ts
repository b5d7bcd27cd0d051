import {
  architectures,
  diskFormats,
  imageNameRule,
  maxClientTokenCharacters,
  maxDescriptionCharacters,
  maxOsVersionCharacters,
  osTypes,
  platforms,
  systemDiskSizeGb,
} from '../../../domain/jdcloud-rules/index.js';
import * as z from '../../../kernel/zod.js';
import type { JdCloudClient } from '../client/create-jdcloud-client.js';
import { oneOf, parseInput, typeError } from './input-rules.js';

// The rules themselves live in src/domain/jdcloud-rules (docs/reference/jdcloud-api.md §2.1–2.2).
const { min, max, step } = systemDiskSizeGb;

/** 40–500 GB in steps of 10 (the API answers 400 OUT_OF_RANGE otherwise). */
export const systemDiskSizeGBSchema = z.number({ error: typeError(`a whole number of GB, ${min} to ${max}, a multiple of ${step}`) }).check(
  z.refine((value) => Number.isInteger(value), { error: (issue) => `must be a whole number of GB; got ${String(issue.input)}`, abort: true }),
  z.refine((value) => value >= min && value <= max, { error: (issue) => `must be between ${min} and ${max}; got ${String(issue.input)}` }),
  z.refine((value) => value % step === 0, { error: (issue) => `must be a multiple of ${step}; got ${String(issue.input)}` }),
);

const maxName = imageNameRule.maxCharacters;
/** Not empty, at most 32 characters, only Chinese characters, letters, digits, `_` and `-`. */
export const imageNameSchema = z.string({ error: typeError(`a string of at most ${maxName} characters`) }).check(
  z.refine((value) => value.length > 0, { error: 'must not be empty' }),
  z.refine((value) => [...value].length <= maxName, { error: (issue) => `must be at most ${maxName} characters; got ${[...String(issue.input)].length}` }),
  z.refine((value) => imageNameRule.allowedCharacters.test(value), {
    error: (issue) => `may contain only Chinese characters, letters, digits, "_" and "-"; got ${JSON.stringify(issue.input)}`,
  }),
);

/** The OSS object link: an absolute http(s) URL (same-region internal host in production). */
export const imageUrlSchema = z.string({ error: typeError('an http(s) URL of the OSS object') }).check(
  z.refine(
    (value) => {
      try {
        const url = new URL(value);
        return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname !== '';
      } catch {
        return false;
      }
    },
    { error: (issue) => `must be an http(s) URL of the OSS object; got ${JSON.stringify(String(issue.input).slice(0, 80))}` },
  ),
);

/**
 * The body of `POST /v1/regions/{regionId}/images:import`, its fields in the order the official
 * JS SDK writes them (so both send the same bytes and the same signature), e.g.
 * `{"architecture":"x86_64","osType":"linux","platform":"CentOS","diskFormat":"raw","systemDiskSizeGB":50,
 *   "imageUrl":"https://test.s3-internal.cn-north-1.jdcloud-oss.com/linux/system_img.raw","imageName":"testImport"}`.
 */
export const importImageInputSchema = z.strictObject({
  architecture: oneOf(architectures),
  osType: oneOf(osTypes),
  platform: oneOf(platforms),
  diskFormat: oneOf(diskFormats),
  systemDiskSizeGB: systemDiskSizeGBSchema,
  imageUrl: imageUrlSchema,
  osVersion: z.optional(
    z.string({ error: typeError('a string') }).check(z.maxLength(maxOsVersionCharacters, { error: `must be at most ${maxOsVersionCharacters} characters` })),
  ),
  imageName: imageNameSchema,
  description: z.optional(
    z
      .string({ error: typeError('a string') })
      .check(
        z.refine((value) => [...value].length <= maxDescriptionCharacters, {
          error: (issue) => `must be at most ${maxDescriptionCharacters} characters; got ${[...String(issue.input)].length}`,
        }),
      ),
  ),
  forceImport: z.optional(z.boolean({ error: typeError('true or false') })),
  clientToken: z.optional(
    z
      .string({ error: typeError('a string') })
      .check(
        z.minLength(1, { error: 'must not be empty' }),
        z.maxLength(maxClientTokenCharacters, { error: (issue) => `must be at most ${maxClientTokenCharacters} characters; got ${String(issue.input).length}` }),
      ),
  ),
});

export type ImportImageInput = z.infer<typeof importImageInputSchema>;

/**
 * `result` of importImage: the docs and old Go SDK return `importTaskId` (integer), newer SDKs
 * `taskId` (string). Both are accepted and the id comes out as a string.
 */
export const importImageResultSchema = z.pipe(
  z
    .object({
      imageId: z.string().check(z.minLength(1)),
      taskId: z.optional(z.union([z.string().check(z.minLength(1)), z.number().check(z.int())])),
      importTaskId: z.optional(z.union([z.number().check(z.int()), z.string().check(z.minLength(1))])),
    })
    .check(z.refine((result) => result.taskId !== undefined || result.importTaskId !== undefined, { error: 'has neither taskId nor importTaskId' })),
  z.transform((result) => ({ imageId: result.imageId, taskId: String(result.taskId ?? result.importTaskId) })),
);

export interface ImportImageResult {
  imageId: string;
  taskId: string;
  requestId: string;
  attempts: number;
}

/** Starts an import. Checks the input first (JdCloudInputError, nothing sent); retries keep the same clientToken. */
export async function importImage(client: JdCloudClient, regionId: string, input: ImportImageInput): Promise<ImportImageResult> {
  const body = parseInput('importImage', importImageInputSchema, input);
  const response = await client.call({ method: 'POST', regionId, path: '/images:import', body, schema: importImageResultSchema });
  return { ...response.result, requestId: response.requestId, attempts: response.attempts };
}
