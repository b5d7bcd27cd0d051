import { parseQueryPairs } from '../../../adapters/jdcloud/index.js';
import type { ApiFailure } from './api-responses.js';
import type { ImageRegistry } from './image-registry.js';
import { ossRegionOfHost } from '../../../domain/jdcloud-rules/index.js';
import { checkImportBody, type ImportRules } from './import-rules.js';
import { taskTimePattern } from './task-clock.js';
import type { VmOperation } from './faults.js';

/** What an operation answers: a result or a failure envelope. */
export type OperationReply = { ok: true; result: unknown } | { ok: false; failure: ApiFailure };

export interface Route {
  operation: VmOperation;
  region: string;
  imageId?: string;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** Which operation a request is for; the path may carry `:` raw or as `%3A` (the gateway accepts both). */
export function routeOf(method: string, target: string): Route {
  const path = target.split('?', 1)[0] ?? '';
  const segments = path.split('/').map(decodeSegment);
  const [empty, version, regions, region = '', ...rest] = segments;
  if (empty !== '' || version !== 'v1' || regions !== 'regions') return { operation: 'unknown', region };
  if (method === 'POST' && rest.length === 1 && rest[0] === 'images:import') return { operation: 'importImage', region };
  if (method === 'GET' && rest.length === 1 && rest[0] === 'imageTasks') return { operation: 'describeImageTasks', region };
  if (method === 'GET' && rest.length === 1 && rest[0] === 'images') return { operation: 'describeImages', region };
  if (method === 'GET' && rest.length === 2 && rest[0] === 'images' && rest[1] !== '') {
    return { operation: 'describeImage', region, imageId: rest[1] as string };
  }
  return { operation: 'unknown', region };
}

const badRequest = (status: string, message: string): OperationReply => ({ ok: false, failure: { httpStatus: 400, status, message } });

export interface OperationContext {
  registry: ImageRegistry;
  rules: ImportRules;
  nowMs: number;
  accessKeyId: string;
  /** importImage answers with the legacy integer `importTaskId` instead of `taskId`. */
  legacyTaskIds: boolean;
  pageSizeRange: { min: number; max: number };
  onImageCreated(): void;
}

/** `POST /v1/regions/{regionId}/images:import`. */
export function importImageOperation(route: Route, body: Buffer, context: OperationContext): OperationReply {
  const checked = checkImportBody(body, route.region, context.rules);
  if (!checked.ok) return checked;
  const url = new URL(checked.request.imageUrl);
  const loopback = url.hostname === 'localhost' || url.hostname === '[::1]' || url.hostname.startsWith('127.');
  // The docs only say a non-OSS address "affects the import": here the task accepts it, then fails.
  const failsAtEnd = ossRegionOfHost(url.hostname) === undefined && !loopback ? `Download image failed: '${url.host}' is not an OSS address of region ${route.region}` : undefined;
  const { task, created } = context.registry.importImage({
    accessKeyId: context.accessKeyId,
    region: route.region,
    request: checked.request,
    nowMs: context.nowMs,
    ...(failsAtEnd !== undefined ? { failsAtEnd } : {}),
  });
  if (created) context.onImageCreated();
  return {
    ok: true,
    result: context.legacyTaskIds ? { imageId: task.imageId, importTaskId: task.taskId } : { imageId: task.imageId, taskId: String(task.taskId) },
  };
}

/** `GET /v1/regions/{regionId}/imageTasks` with taskAction, taskIds.N, taskStatus, start/endTime and paging. */
export function describeImageTasksOperation(route: Route, target: string, context: OperationContext): OperationReply {
  const search = target.includes('?') ? target.slice(target.indexOf('?') + 1) : '';
  const params = new Map<string, string>();
  const taskIds: string[] = [];
  for (const [name, value] of parseQueryPairs(search)) {
    if (/^taskIds\.\d+$/.test(name)) taskIds.push(value);
    else params.set(name, value);
  }
  const taskAction = params.get('taskAction');
  if (taskAction === undefined || taskAction === '') return badRequest('INVALID_ARGUMENT', 'taskAction is required');
  if (taskAction !== 'ImportImage' && taskAction !== 'ExportImage') {
    return badRequest('INVALID_ARGUMENT', `Invalid taskAction '${taskAction}', must be one of: ImportImage, ExportImage`);
  }
  const taskStatus = params.get('taskStatus');
  if (taskStatus !== undefined && !['pending', 'running', 'failed', 'finished'].includes(taskStatus)) {
    return badRequest('INVALID_ARGUMENT', `Invalid taskStatus '${taskStatus}', must be one of: pending, running, failed, finished`);
  }
  for (const name of ['startTime', 'endTime']) {
    const value = params.get(name);
    if (value !== undefined && !taskTimePattern.test(value)) return badRequest('INVALID_ARGUMENT', `Invalid ${name} '${value}'`);
  }
  const pageNumber = Number(params.get('pageNumber') ?? '1');
  if (!Number.isInteger(pageNumber) || pageNumber < 1) return badRequest('OUT_OF_RANGE', 'PageNumber out of range');
  const pageSize = Number(params.get('pageSize') ?? '10');
  if (!Number.isInteger(pageSize) || pageSize < context.pageSizeRange.min || pageSize > context.pageSizeRange.max) {
    return badRequest('OUT_OF_RANGE', 'PageSize out of range');
  }
  if (taskIds.some((id) => !/^\d+$/.test(id))) return badRequest('INVALID_ARGUMENT', 'Invalid taskIds, must be integers');

  const startTime = params.get('startTime');
  const endTime = params.get('endTime');
  const matching =
    taskAction === 'ExportImage'
      ? []
      : context.registry
          .tasksIn(route.region)
          .map((task) => context.registry.taskInfo(task, context.nowMs))
          .filter((task) => taskIds.length === 0 || taskIds.includes(String(task.taskId)))
          .filter((task) => taskStatus === undefined || task.taskStatus === taskStatus)
          .filter((task) => startTime === undefined || task.createdTime >= startTime)
          .filter((task) => endTime === undefined || task.createdTime <= endTime)
          .sort((a, b) => b.taskId - a.taskId);
  const taskSet = matching.slice((pageNumber - 1) * pageSize, pageNumber * pageSize);
  return { ok: true, result: { taskSet, totalCount: matching.length } };
}

/** A stored import as the API's Image model (Go `vm/models/Image.go`). */
function imageView(task: NonNullable<ReturnType<ImageRegistry['image']>>, context: OperationContext) {
  const info = context.registry.taskInfo(task, context.nowMs);
  const request = task.request;
  return {
    imageId: task.imageId,
    name: request.imageName,
    platform: request.platform,
    osVersion: request.osVersion ?? '',
    architecture: request.architecture,
    osType: request.osType,
    systemDiskSizeGB: request.systemDiskSizeGB,
    imageSource: 'private',
    status: context.registry.imageStatus(task, context.nowMs),
    createTime: info.createdTime,
    sizeMB: 0,
    desc: request.description ?? '',
    rootDeviceType: 'cloudDisk',
    progress: String(info.progress),
    imported: true,
  };
}

/** `GET /v1/regions/{regionId}/images/{imageId}`. */
export function describeImageOperation(route: Route, context: OperationContext): OperationReply {
  const imageId = route.imageId ?? '';
  const task = context.registry.image(route.region, imageId);
  if (task === undefined) return { ok: false, failure: { httpStatus: 404, status: 'NOT_FOUND', message: `Image '${imageId}' not found` } };
  return { ok: true, result: { image: imageView(task, context) } };
}

/**
 * `GET /v1/regions/{regionId}/images` with `ids.N` (private images only here), paged with
 * pageSize in [10, 100] as documented for describeImages. Unknown ids are simply absent.
 */
export function describeImagesOperation(route: Route, target: string, context: OperationContext): OperationReply {
  const search = target.includes('?') ? target.slice(target.indexOf('?') + 1) : '';
  const params = new Map<string, string>();
  const ids: string[] = [];
  for (const [name, value] of parseQueryPairs(search)) {
    if (/^ids\.\d+$/.test(name)) ids.push(value);
    else params.set(name, value);
  }
  const imageSource = params.get('imageSource');
  if (ids.length === 0 && (imageSource === undefined || imageSource === '')) return badRequest('INVALID_ARGUMENT', 'imageSource is required when ids is empty');
  const pageNumber = Number(params.get('pageNumber') ?? '1');
  if (!Number.isInteger(pageNumber) || pageNumber < 1) return badRequest('OUT_OF_RANGE', 'PageNumber out of range');
  const pageSize = Number(params.get('pageSize') ?? '20');
  if (!Number.isInteger(pageSize) || pageSize < 10 || pageSize > 100) return badRequest('OUT_OF_RANGE', 'PageSize out of range');
  const matching = context.registry
    .tasksIn(route.region)
    .filter((task) => (ids.length === 0 ? imageSource === 'private' : ids.includes(task.imageId)))
    .map((task) => imageView(task, context));
  return { ok: true, result: { images: matching.slice((pageNumber - 1) * pageSize, pageNumber * pageSize), totalCount: matching.length } };
}
