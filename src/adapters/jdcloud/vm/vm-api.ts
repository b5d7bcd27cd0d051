import type { JdCloudClient } from '../client/create-jdcloud-client.js';
import { describeImage, type DescribeImageResult } from './describe-image.js';
import { describeImageTasks, type DescribeImageTasksQuery, type DescribeImageTasksResult } from './describe-image-tasks.js';
import { importImage, type ImportImageInput, type ImportImageResult } from './import-image.js';

export interface VmApi {
  importImage(regionId: string, input: ImportImageInput): Promise<ImportImageResult>;
  describeImageTasks(regionId: string, query?: DescribeImageTasksQuery): Promise<DescribeImageTasksResult>;
  describeImage(regionId: string, imageId: string): Promise<DescribeImageResult>;
}

/** The VM image operations on a client made with `service: 'vm'`. */
export function createVmApi(client: JdCloudClient): VmApi {
  return {
    importImage: (regionId, input) => importImage(client, regionId, input),
    describeImageTasks: (regionId, query) => describeImageTasks(client, regionId, query),
    describeImage: (regionId, imageId) => describeImage(client, regionId, imageId),
  };
}
