import { decodePercent } from '../../../adapters/jdcloud/index.js';
import type { VmOperation } from './faults.js';
import { copyImagesOperation, describeImageOperation, describeImagesOperation, shareImageOperation } from './image-operations.js';
import { describeImageTasksOperation, importImageOperation, type OperationHandler, type Route } from './vm-operations.js';

/**
 * method + path pattern (the segments after `/v1/regions/{regionId}`) → operation (docs/reference/
 * jdcloud-api.md §2). `{image}` captures an image id; text after it must follow it in the
 * segment, as in `{image}:share`.
 */
const routes: Array<[method: string, pattern: readonly string[], operation: Exclude<VmOperation, 'unknown'>, handle: OperationHandler]> = [
  ['POST', ['images:import'], 'importImage', importImageOperation],
  ['POST', ['images:copyImages'], 'copyImages', copyImagesOperation],
  ['GET', ['imageTasks'], 'describeImageTasks', describeImageTasksOperation],
  ['GET', ['images'], 'describeImages', describeImagesOperation],
  ['GET', ['images', '{image}'], 'describeImage', describeImageOperation],
  ['POST', ['images', '{image}:share'], 'shareImage', shareImageOperation],
];

const imageParameter = '{image}';

/** The image id when the segments fit the pattern (`''` when the pattern names none), else undefined. */
function match(pattern: readonly string[], segments: readonly string[]): string | undefined {
  if (pattern.length !== segments.length) return undefined;
  let imageId = '';
  for (const [index, part] of pattern.entries()) {
    const segment = segments[index] ?? '';
    if (part.startsWith(imageParameter)) {
      const suffix = part.slice(imageParameter.length);
      if (!segment.endsWith(suffix) || segment.length === suffix.length) return undefined;
      imageId = segment.slice(0, segment.length - suffix.length);
    } else if (part !== segment) return undefined;
  }
  return imageId;
}

/**
 * Which operation a request is for, and its handler. The path may carry `:` raw or as `%3A`
 * (the gateway accepts both), so each segment is decoded before it is matched.
 */
export function routeOf(method: string, target: string): Route & { handle?: OperationHandler } {
  const segments = (target.split('?', 1)[0] ?? '').split('/').map(decodePercent);
  const [empty, version, regions, region = '', ...rest] = segments;
  if (empty !== '' || version !== 'v1' || regions !== 'regions') return { operation: 'unknown', region };
  for (const [routeMethod, pattern, operation, handle] of routes) {
    if (routeMethod !== method) continue;
    const imageId = match(pattern, rest);
    if (imageId !== undefined) return { operation, region, handle, ...(imageId !== '' ? { imageId } : {}) };
  }
  return { operation: 'unknown', region };
}
