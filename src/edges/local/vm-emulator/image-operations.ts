import { describeImagesPageSize, knownRegionIds, maxCopyImagesSourceIds } from '../../../domain/jdcloud-rules/index.js';
import type { EmulatedImage, ImageModel } from './image-catalog.js';
import { readJsonObject } from './import-rules.js';
import { badRequest, readPage, readQuery, type OperationContext, type OperationReply, type OperationRequest } from './vm-operations.js';

// The image calls beside importImage (docs/reference/jdcloud-api.md §2.4, §2.7, §2.8). JD
// documents no error table for copy and share: the failures use the generic statuses of §1.11
// (INVALID_ARGUMENT, OUT_OF_RANGE, FAILED_PRECONDITION 400; HTTP_FORBIDDEN 403; NOT_FOUND 404).

function model(image: EmulatedImage): ImageModel {
  const { region: _region, owner: _owner, copiedFrom: _copiedFrom, sharedWith: _sharedWith, ...fields } = image;
  return fields;
}

const notFound = (imageId: string): OperationReply => ({ ok: false, failure: { httpStatus: 404, status: 'NOT_FOUND', message: `Image '${imageId}' not found` } });

/** The caller's own image, ready to be copied or shared, or the failure that says why not. */
function ownReadyImage(imageId: string, region: string, verb: string, context: OperationContext): EmulatedImage | OperationReply {
  const image = context.catalog.find(region, imageId, context.nowMs);
  if (image === undefined) return notFound(imageId);
  if (image.owner !== undefined && image.owner !== context.accessKeyId) {
    return { ok: false, failure: { httpStatus: 403, status: 'HTTP_FORBIDDEN', message: `Image '${imageId}' does not belong to this account` } };
  }
  if (image.status !== 'ready') return badRequest('FAILED_PRECONDITION', `Image '${imageId}' is ${image.status}; only a ready image can be ${verb}`);
  return image;
}

const isFailure = (value: EmulatedImage | OperationReply): value is OperationReply => 'ok' in value;

/** `GET /v1/regions/{regionId}/images/{imageId}`. */
export function describeImageOperation({ route }: OperationRequest, context: OperationContext): OperationReply {
  const imageId = route.imageId ?? '';
  const image = context.catalog.find(route.region, imageId, context.nowMs);
  return image === undefined ? notFound(imageId) : { ok: true, result: { image: model(image) } };
}

/**
 * `GET /v1/regions/{regionId}/images` with `ids.N` or `imageSource` (only `private` images
 * exist here), an optional `status`, paged with pageSize in [10, 100]. Unknown ids are absent.
 */
export function describeImagesOperation({ route, target }: OperationRequest, context: OperationContext): OperationReply {
  const { params, list: ids } = readQuery(target, 'ids');
  const imageSource = params.get('imageSource');
  if (ids.length === 0 && (imageSource === undefined || imageSource === '')) return badRequest('INVALID_ARGUMENT', 'imageSource is required when ids is empty');
  const page = readPage(params, describeImagesPageSize);
  if ('ok' in page) return page;
  const status = params.get('status');
  const matching = context.catalog
    .list(route.region, context.nowMs)
    .filter((image) => (ids.length === 0 ? imageSource === 'private' : ids.includes(image.imageId)))
    .filter((image) => status === undefined || image.status === status)
    .map(model);
  return { ok: true, result: { images: matching.slice((page.pageNumber - 1) * page.pageSize, page.pageNumber * page.pageSize), totalCount: matching.length } };
}

/**
 * `POST /v1/regions/{regionId}/images:copyImages` with `{sourceImageIds, destinationRegion}`:
 * all ids are checked before any copy starts; each copy appears pending in the destination
 * region and turns ready on the task clock.
 */
export function copyImagesOperation({ route, body }: OperationRequest, context: OperationContext): OperationReply {
  const read = readJsonObject(body);
  if (!read.ok) return read;
  const { sourceImageIds: ids, destinationRegion } = read.fields;
  if (!Array.isArray(ids) || ids.length === 0) return badRequest('INVALID_ARGUMENT', 'sourceImageIds is required');
  if (!ids.every((id): id is string => typeof id === 'string' && id !== '')) return badRequest('INVALID_ARGUMENT', 'Invalid sourceImageIds, must be image ids');
  if (ids.length > maxCopyImagesSourceIds) return badRequest('OUT_OF_RANGE', `SourceImageIds out of range, at most ${maxCopyImagesSourceIds} images per call`);
  const repeated = ids.find((id, index) => ids.indexOf(id) !== index);
  if (repeated !== undefined) return badRequest('INVALID_ARGUMENT', `Image '${repeated}' is listed twice in sourceImageIds`);
  if (destinationRegion === undefined || destinationRegion === null || destinationRegion === '') return badRequest('INVALID_ARGUMENT', 'destinationRegion is required');
  if (typeof destinationRegion !== 'string' || !(knownRegionIds as readonly string[]).includes(destinationRegion)) {
    return badRequest('INVALID_ARGUMENT', `Invalid destinationRegion '${String(destinationRegion)}', must be one of: ${knownRegionIds.join(', ')}`);
  }
  if (destinationRegion === route.region) return badRequest('INVALID_ARGUMENT', `Invalid destinationRegion '${destinationRegion}': it is the source region`);

  const sources: EmulatedImage[] = [];
  for (const id of ids) {
    const image = ownReadyImage(id, route.region, 'copied', context);
    if (isFailure(image)) return image;
    sources.push(image);
  }
  const copyImages = sources.map((source) => ({
    sourceImageId: source.imageId,
    destinationImageId: context.catalog.copy(source, destinationRegion, context.accessKeyId, context.nowMs),
  }));
  context.onImagesCopied(copyImages.length);
  return { ok: true, result: { copyImages } };
}

/** `POST /v1/regions/{regionId}/images/{imageId}:share` with `{pins}`: records the pins; the result is `{}`. */
export function shareImageOperation({ route, body }: OperationRequest, context: OperationContext): OperationReply {
  const read = readJsonObject(body);
  if (!read.ok) return read;
  const { pins } = read.fields;
  if (!Array.isArray(pins) || pins.length === 0) return badRequest('INVALID_ARGUMENT', 'pins is required');
  if (!pins.every((pin): pin is string => typeof pin === 'string' && pin !== '')) return badRequest('INVALID_ARGUMENT', 'Invalid pins, must be account pins');
  const image = ownReadyImage(route.imageId ?? '', route.region, 'shared', context);
  if (isFailure(image)) return image;
  context.catalog.share(image.imageId, pins);
  return { ok: true, result: {} };
}
