import * as z from '../../kernel/zod.js';

const objectSchema = z.object({
  key: z.string().check(z.minLength(1)),
  // Absent on s3rver's Copy events and in JD's documented callback shape.
  eTag: z.optional(z.string()),
  size: z.optional(z.union([z.number().check(z.int(), z.nonnegative()), z.pipe(z.string().check(z.regex(/^\d+$/)), z.transform(Number))])),
});

/**
 * One record of an S3-style notification: JD OSS HTTP callbacks, Ceph RGW, MinIO, AWS, s3rver.
 *
 * @example
 * { "eventVersion": "2.2", "eventSource": "ceph:s3", "awsRegion": "",
 *   "eventName": "ObjectCreated:Put",
 *   "s3": { "bucket": { "name": "images" },
 *           "object": { "key": "uploads/disk.qcow2", "size": 70000, "eTag": "738b…" } } }
 */
export const s3NotificationRecordSchema = z.object({
  eventName: z.string().check(z.minLength(1)),
  eventSource: z.optional(z.string()),
  // Empty from RGW; absent from some senders: the configured region applies then.
  awsRegion: z.optional(z.string()),
  s3: z.object({
    bucket: z.object({ name: z.string().check(z.minLength(1)) }),
    object: objectSchema,
  }),
});

export type S3NotificationRecord = z.infer<typeof s3NotificationRecordSchema>;
