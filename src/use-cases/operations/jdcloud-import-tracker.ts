import { createVmApi, describeImages, type JdCloudClient, listImageTasks, taskPageSize } from '../../adapters/jdcloud/index.js';
import type { ImportTracker } from './refresh-status.js';

/**
 * The tracker on the VM API: imageTasks with `taskIds.N` (100 a page where the API allows it,
 * see listImageTasks), describeImages with `ids.N`. Counts the calls it makes.
 */
export function jdcloudImportTracker(client: JdCloudClient): ImportTracker & { calls: () => number } {
  const vm = createVmApi(client);
  const pageSize = taskPageSize();
  let calls = 0;
  return {
    calls: () => calls,
    async tasks(region, taskIds) {
      const { tasks } = await listImageTasks(vm, region, { taskIds, pageSize, onCall: () => calls++ });
      return new Map(tasks.map((task) => [task.taskId, { taskStatus: task.taskStatus, progress: task.progress, message: task.message }]));
    },
    async images(region, imageIds) {
      calls++;
      const { images } = await describeImages(client, region, imageIds);
      return new Map(images.map((image) => [image.imageId, image.status]));
    },
  };
}
