import type { JdCloudClient } from '../jdcloud/client/create-jdcloud-client.js';
import { JdCloudApiError } from '../jdcloud/errors/jdcloud-api-error.js';
import { describeImageTasks } from '../jdcloud/vm/describe-image-tasks.js';
import { describeImages } from '../jdcloud/vm/describe-images.js';
import type { ImportTracker } from './refresh-status.js';

/**
 * The tracker on the VM API: imageTasks with `taskIds.N`, paged until every asked id is seen;
 * describeImages with `ids.N`. Counts the calls it makes.
 *
 * imageTasks' page size is documented as [10,100] (en) and [1,10] (newer cn): we ask for 100,
 * so 100 tasks cost one call, and fall back to 10 for good if the API answers OUT_OF_RANGE.
 */
export function jdcloudImportTracker(client: JdCloudClient): ImportTracker & { calls: () => number } {
  let calls = 0;
  let pageSize = 100;

  const taskPage = async (region: string, taskIds: string[], pageNumber: number) => {
    for (;;) {
      calls++;
      try {
        return await describeImageTasks(client, region, { taskIds, pageNumber, pageSize });
      } catch (error) {
        if (pageSize > 10 && error instanceof JdCloudApiError && error.status === 'OUT_OF_RANGE') {
          pageSize = 10;
          continue;
        }
        throw error;
      }
    }
  };

  return {
    calls: () => calls,
    async tasks(region, taskIds) {
      const found = new Map<string, { taskStatus: string; progress: number; message: string }>();
      let seen = 0;
      for (let pageNumber = 1; ; pageNumber++) {
        const page = await taskPage(region, taskIds, pageNumber);
        for (const task of page.tasks) found.set(task.taskId, { taskStatus: task.taskStatus, progress: task.progress, message: task.message });
        seen += page.tasks.length;
        if (page.tasks.length === 0 || seen >= page.totalCount) break;
      }
      return found;
    },
    async images(region, imageIds) {
      calls++;
      const { images } = await describeImages(client, region, imageIds);
      return new Map(images.map((image) => [image.imageId, image.status]));
    },
  };
}
