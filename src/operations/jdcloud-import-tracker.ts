import type { JdCloudClient } from '../jdcloud/client/create-jdcloud-client.js';
import { describeImageTasks } from '../jdcloud/vm/describe-image-tasks.js';
import { describeImages } from '../jdcloud/vm/describe-images.js';
import type { ImportTracker } from './refresh-status.js';

/**
 * The tracker on the VM API: imageTasks with `taskIds.N`, paged until every asked id is seen
 * or the pages end; describeImages with `ids.N`. Counts the calls it makes.
 */
export function jdcloudImportTracker(client: JdCloudClient): ImportTracker & { calls: () => number } {
  let calls = 0;
  return {
    calls: () => calls,
    async tasks(region, taskIds) {
      const found = new Map<string, { taskStatus: string; progress: number; message: string }>();
      for (let pageNumber = 1; ; pageNumber++) {
        calls++;
        const page = await describeImageTasks(client, region, { taskIds, pageNumber });
        for (const task of page.tasks) found.set(task.taskId, { taskStatus: task.taskStatus, progress: task.progress, message: task.message });
        const seen = (pageNumber - 1) * 10 + page.tasks.length;
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
