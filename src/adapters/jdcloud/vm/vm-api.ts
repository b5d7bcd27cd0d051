import type { JdCloudClient } from '../client/create-jdcloud-client.js';
import { copyImages, type CopyImagesInput, type CopyImagesResult } from './copy-images.js';
import { describeImage, type DescribeImageResult } from './describe-image.js';
import { describeImages, type DescribeImagesQuery, type DescribeImagesResult } from './describe-images.js';
import { describeImageTasks, type DescribeImageTasksQuery, type DescribeImageTasksResult } from './describe-image-tasks.js';
import { importImage, type ImportImageInput, type ImportImageResult } from './import-image.js';
import { shareImage, type ShareImageInput, type ShareImageResult } from './share-image.js';

export interface VmApi {
  importImage(regionId: string, input: ImportImageInput): Promise<ImportImageResult>;
  describeImageTasks(regionId: string, query?: DescribeImageTasksQuery): Promise<DescribeImageTasksResult>;
  describeImage(regionId: string, imageId: string): Promise<DescribeImageResult>;
  describeImages(regionId: string, idsOrQuery: readonly string[] | DescribeImagesQuery): Promise<DescribeImagesResult>;
  copyImages(regionId: string, input: CopyImagesInput): Promise<CopyImagesResult>;
  shareImage(regionId: string, imageId: string, input: ShareImageInput): Promise<ShareImageResult>;
}

/** The VM image operations on a client made with `service: 'vm'`; each takes the region it acts in. */
export function createVmApi(client: JdCloudClient): VmApi {
  return {
    importImage: (regionId, input) => importImage(client, regionId, input),
    describeImageTasks: (regionId, query) => describeImageTasks(client, regionId, query),
    describeImage: (regionId, imageId) => describeImage(client, regionId, imageId),
    describeImages: (regionId, idsOrQuery) => describeImages(client, regionId, idsOrQuery),
    copyImages: (regionId, input) => copyImages(client, regionId, input),
    shareImage: (regionId, imageId, input) => shareImage(client, regionId, imageId, input),
  };
}
