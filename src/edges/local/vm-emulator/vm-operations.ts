import { ossRegionOfHost } from '../../../domain/jdcloud-rules/index.js';
import { parseQueryPairs } from '../../../adapters/jdcloud/index.js';
import type { ApiFailure } from './api-responses.js';
import type { VmOperation } from './faults.js';
import type { ImageCatalog } from './image-catalog.js';
import type { ImageRegistry } from './image-registry.js';
import { checkImportBody, type ImportRules } from './import-rules.js';
import { taskTimePattern } from './task-clock.js';

/** What an operation answers: a result or a failure envelope. */
export type OperationReply = { ok: true; result: unknown } | { ok: false; failure: ApiFailure };

/** Which operation a request is for, in which region, on which image. */
export interface Route {
  operation: VmOperation;
  region: string;
  imageId?: string;
}

/** One request that passed the gateway. */
export interface OperationRequest {
  route: Route;
  /** The raw request target: path and query as sent. */
  target: string;
  body: Buffer;
}

export interface OperationContext {
  registry: ImageRegistry;
  catalog: ImageCatalog;
  rules: ImportRules;
  nowMs: number;
  /** The caller's access key: the account that owns what it creates. */
  accessKeyId: string;
  /** importImage answers with the legacy integer `importTaskId` instead of `taskId`. */
  legacyTaskIds: boolean;
  pageSizeRange: { min: number; max: number };
  onImageCreated(): void;
  onImagesCopied(count: number): void;
}

export type OperationHandler = (request: OperationRequest, context: OperationContext) => OperationReply;

export const badRequest = (status: string, message: string): OperationReply => ({ ok: false, failure: { httpStatus: 400, status, message } });

/** The query of a request target: single parameters by name, and the values of `<listName>.N` in order. */
export function readQuery(target: string, listName: string): { params: Map<string, string>; list: string[] } {
  const search = target.includes('?') ? target.slice(target.indexOf('?') + 1) : '';
  const params = new Map<string, string>();
  const list: string[] = [];
  const listPattern = new RegExp(`^${listName}\\.\\d+$`);
  for (const [name, value] of parseQueryPairs(search)) {
    if (listPattern.test(name)) list.push(value);
    else params.set(name, value);
  }
  return { params, list };
}

/** `pageNumber` and `pageSize` of a query, or the documented OUT_OF_RANGE failure. */
export function readPage(params: Map<string, string>, pageSize: { min: number; max: number; default: number }): { pageNumber: number; pageSize: number } | OperationReply {
  const pageNumber = Number(params.get('pageNumber') ?? '1');
  if (!Number.isInteger(pageNumber) || pageNumber < 1) return badRequest('OUT_OF_RANGE', 'PageNumber out of range');
  const size = Number(params.get('pageSize') ?? String(pageSize.default));
  if (!Number.isInteger(size) || size < pageSize.min || size > pageSize.max) return badRequest('OUT_OF_RANGE', 'PageSize out of range');
  return { pageNumber, pageSize: size };
}

/** `POST /v1/regions/{regionId}/images:import`. */
export function importImageOperation({ route, body }: OperationRequest, context: OperationContext): OperationReply {
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
export function describeImageTasksOperation({ route, target }: OperationRequest, context: OperationContext): OperationReply {
  const { params, list: taskIds } = readQuery(target, 'taskIds');
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
  const page = readPage(params, { ...context.pageSizeRange, default: 10 });
  if ('ok' in page) return page;
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
  const taskSet = matching.slice((page.pageNumber - 1) * page.pageSize, page.pageNumber * page.pageSize);
  return { ok: true, result: { taskSet, totalCount: matching.length } };
}
