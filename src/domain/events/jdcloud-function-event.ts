import * as z from '../../kernel/zod.js';

const sizeSchema = z.union([z.number().check(z.int(), z.nonnegative()), z.pipe(z.string().check(z.regex(/^\d+$/)), z.transform(Number))]);

const objectSchema = z.object({
  key: z.string().check(z.minLength(1)),
  eTag: z.optional(z.string()),
  // A string in JD's documented template, a number in the captured event.
  size: z.optional(sizeSchema),
});

const detailSchema = z.object({
  eventName: z.string().check(z.minLength(1)),
  s3: z.object({
    bucket: z.object({ name: z.string().check(z.minLength(1)) }),
    object: objectSchema,
  }),
});

/**
 * One record of the JD Cloud Function Compute / Function Service OSS trigger event.
 *
 * @example
 * { "detail": { "eventName": "s3:ObjectCreated:Put",
 *     "s3": { "bucket": { "name": "my-images" },
 *             "object": { "key": "images/centos-7.qcow2", "eTag": "9b39…", "size": 839376 } } },
 *   "region": "cn-north-1", "source": "oss", "version": 0,
 *   "resources": ["jrn:oss:cn-north-1:104064078905:my-images/images/centos-7.qcow2"] }
 */
export const jdcloudFunctionRecordSchema = z.object({
  detail: detailSchema,
  region: z.optional(z.string()),
  source: z.optional(z.string()),
  // `"0"` in the template, `0` in the captured event.
  version: z.optional(z.union([z.string(), z.number()])),
});

export type JdcloudFunctionRecord = z.infer<typeof jdcloudFunctionRecordSchema>;
