import * as z from 'zod';

const objectSchema = z.object({
  key: z.string().min(1),
  // Absent on s3rver's Copy events and in JD's documented callback shape.
  eTag: z.string().optional(),
  size: z.union([z.number().int().nonnegative(), z.string().regex(/^\d+$/).transform(Number)]).optional(),
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
  eventName: z.string().min(1),
  eventSource: z.string().optional(),
  // Empty from RGW; absent from some senders: the configured region applies then.
  awsRegion: z.string().optional(),
  s3: z.object({
    bucket: z.object({ name: z.string().min(1) }),
    object: objectSchema,
  }),
});

export type S3NotificationRecord = z.infer<typeof s3NotificationRecordSchema>;
