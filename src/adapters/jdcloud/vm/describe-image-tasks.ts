import * as z from '../../../kernel/zod.js';
import type { JdCloudClient } from '../client/create-jdcloud-client.js';
import { redactImageUrl, redactSecretsInText } from '../../../kernel/index.js';
import { oneOf, parseInput } from './input-rules.js';

export const taskActions = ['ImportImage', 'ExportImage'] as const;
export const taskStatuses = ['pending', 'running', 'failed', 'finished'] as const;

const taskTime = z.string().check(
  z.regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/, { error: (issue) => `must look like 2020-07-02 17:34:44; got ${JSON.stringify(issue.input)}` }),
);

const pageSizeError = 'must be 1 to 100 (10 is the only size both documented ranges allow)';

/**
 * Query of `GET /v1/regions/{regionId}/imageTasks` (docs §2.3). `pageSize` defaults to 10: the
 * en docs allow [10,100], the newer cn docs [1,10]; only 10 satisfies both. A caller that asks
 * for more must be ready for `OUT_OF_RANGE` (see the status refresh's tracker).
 */
export const describeImageTasksQuerySchema = z.strictObject({
  taskAction: z._default(oneOf(taskActions), 'ImportImage'),
  taskIds: z.optional(
    z
      .array(
        z
          .pipe(z.union([z.string(), z.number().check(z.int(), z.nonnegative())]), z.transform(String))
          .check(z.refine((id) => /^[A-Za-z0-9_-]+$/.test(id), { error: (issue) => `must be a task id such as 794; got ${JSON.stringify(issue.input)}` })),
      )
      .check(z.maxLength(100, { error: 'at most 100 task ids per call' })),
  ),
  taskStatus: z.optional(oneOf(taskStatuses)),
  startTime: z.optional(taskTime),
  endTime: z.optional(taskTime),
  pageNumber: z._default(z.number().check(z.int(), z.gte(1, { error: 'must be 1 or more' })), 1),
  pageSize: z._default(z.number().check(z.int(), z.gte(1, { error: pageSizeError }), z.lte(100, { error: pageSizeError })), 10),
});

export type DescribeImageTasksQuery = z.input<typeof describeImageTasksQuerySchema>;

/**
 * One TaskInfo. `taskId` is an integer in the docs but importImage may return it as a string,
 * so it is normalised to a string; `action` is `ImportImage` or, in the docs' example, `ImportImageTask`.
 */
export const imageTaskSchema = z.pipe(
  z.object({
    taskId: z.pipe(z.union([z.number().check(z.int()), z.string()]), z.transform(String)),
    action: z.optional(z.string()),
    taskStatus: z.string(),
    progress: z.optional(z.number()),
    message: z.optional(z.string()),
    errorInfo: z.optional(z.string()),
    createdTime: z.optional(z.string()),
    finishedTime: z.optional(z.string()),
    imageId: z.optional(z.string()),
    imageName: z.optional(z.string()),
    imageUrl: z.optional(z.string()),
  }),
  z.transform((task) => ({
    ...task,
    progress: task.progress ?? 0,
    // The failure reason is in `message` per the docs, in `errorInfo` per the Go model.
    message: redactSecretsInText(task.message || task.errorInfo || ''),
    // JD echoes the presigned imageUrl: its signature and key id never leave this function.
    ...(task.errorInfo !== undefined ? { errorInfo: redactSecretsInText(task.errorInfo) } : {}),
    ...(task.imageUrl !== undefined ? { imageUrl: redactImageUrl(task.imageUrl) } : {}),
  })),
);

export type ImageTask = z.output<typeof imageTaskSchema>;

export const describeImageTasksResultSchema = z.object({
  taskSet: z.pipe(z.nullable(z.array(imageTaskSchema)), z.transform((tasks) => tasks ?? [])),
  totalCount: z.number().check(z.int(), z.nonnegative()),
});

export interface DescribeImageTasksResult {
  tasks: ImageTask[];
  totalCount: number;
  requestId: string;
  attempts: number;
}

/** One page of image tasks; `totalCount` says whether there are more pages. */
export async function describeImageTasks(
  client: JdCloudClient,
  regionId: string,
  query: DescribeImageTasksQuery = {},
): Promise<DescribeImageTasksResult> {
  const checked = parseInput('describeImageTasks', describeImageTasksQuerySchema, query);
  const response = await client.call({
    method: 'GET',
    regionId,
    path: '/imageTasks',
    query: checked,
    schema: describeImageTasksResultSchema,
  });
  return { tasks: response.result.taskSet, totalCount: response.result.totalCount, requestId: response.requestId, attempts: response.attempts };
}
