import type { ImageFacts } from '../../domain/image/index.js';
import { decideImportRequest, resolveOsFields } from '../../domain/import-request/index.js';
import type { Problem } from '../../kernel/index.js';
import { type OvfDescriptor, siblingMetadata, unpackedFromOf } from '../../domain/unpacking/index.js';
import type { MultipartTarget, ObjectHead } from '../../adapters/oss/index.js';
import { ImageSink, type OpenSink, type SinkDeadline } from './image-sink.js';
import { createMultipartWriter, partSizeFor } from './multipart-writer.js';
import type { PreparedUnpack, UnpackDeps } from './prepare-unpack.js';
import { SiblingAlreadyUnpacked, SiblingSuperseded, UnpackRejection } from './unpack-rejection.js';

/**
 * The OVF's OS hint, as a metadata-named default: `platform` only. os-type is then derived from
 * whichever platform wins, so a user's `platform=Ubuntu` on a Windows OVA is not contradicted
 * by an os-type the descriptor suggested (tags and metadata outrank the hint, raw-fields.ts).
 */
export function ovfHints(ovf: OvfDescriptor | undefined): Record<string, string> {
  return ovf?.platform === undefined ? {} : { platform: ovf.platform };
}

/** The OS fields' problems once an OVA's descriptor is read (a missing platform may be in it). */
export function osProblemsWithOvf(facts: { tags: Record<string, string>; metadata: Record<string, string> }, defaults: Record<string, string>, ovf: OvfDescriptor): Problem[] {
  return resolveOsFields(facts.tags, facts.metadata, defaults, ovfHints(ovf)).problems;
}

/** Our own tags on the packed object say how its import went: the sibling gets the user's only. */
function userTags(tags: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(tags).filter(([name]) => !name.startsWith('image-import-')));
}

/**
 * Throws unless the sibling's key may be written: an object there that was not unpacked from
 * this upload is never overwritten (UnpackRejection); one unpacked from this very version means
 * the work is done (SiblingAlreadyUnpacked), and its tags are set again first, so a tagging that
 * failed after an earlier completion is healed by the retry.
 */
async function checkSiblingKey(prepared: PreparedUnpack, deps: UnpackDeps, target: MultipartTarget): Promise<string | undefined> {
  return judgeSibling(prepared, deps, target, await deps.store.headObject(prepared.source.bucket, target.key));
}

/** checkSiblingKey on what a HEAD of the sibling's key found. */
async function judgeSibling(prepared: PreparedUnpack, deps: UnpackDeps, target: MultipartTarget, existing: ObjectHead | undefined): Promise<string | undefined> {
  const { source } = prepared;
  if (existing === undefined) return undefined;
  const from = unpackedFromOf(existing.metadata);
  if (from?.key === source.key && from.etag === source.etag) {
    if (target.tags !== undefined && Object.keys(target.tags).length > 0) await deps.store.multipart.tag(target, target.tags);
    throw new SiblingAlreadyUnpacked({ key: target.key, etag: existing.etag, size: existing.size });
  }
  // An earlier version of the same upload may be replaced; anything else is the user's.
  if (from?.key !== source.key) throw new UnpackRejection([siblingExistsProblem(source, target.key)]);
  return existing.etag;
}

/**
 * The second look, right before completion: the key must hold what the first look saw. A user's
 * upload meanwhile is kept (sibling-exists); a sibling another version's run completed meanwhile
 * is left to that run when the packed upload is no longer this version (SiblingSuperseded: this
 * run records nothing), and replaced when this is the current version.
 */
async function checkSiblingUnchanged(prepared: PreparedUnpack, deps: UnpackDeps, target: MultipartTarget, seenEtag: string | undefined): Promise<void> {
  const { source } = prepared;
  const existing = await deps.store.headObject(source.bucket, target.key);
  if (existing?.etag === seenEtag) return;
  const from = existing === undefined ? undefined : unpackedFromOf(existing.metadata);
  if (existing !== undefined && from?.key === source.key && from.etag !== source.etag) {
    // Another version's run completed first: the newer version keeps the sibling.
    const packed = await deps.store.headObject(source.bucket, source.key);
    if (packed?.etag !== source.etag) throw new SiblingSuperseded(target.key);
    return;
  }
  await judgeSibling(prepared, deps, target, existing);
}

function siblingExistsProblem(source: { bucket: string; key: string }, siblingKey: string): Problem {
  return {
    code: 'sibling-exists',
    field: 'key',
    value: siblingKey,
    message: `s3://${source.bucket}/${siblingKey} already exists and was not unpacked from ${JSON.stringify(source.key)}; it is never overwritten. Rename the upload (or remove that object) and upload it again.`,
  };
}

/**
 * Opens the sibling's sink, after making sure the sibling may be written (checkSiblingKey); the
 * key is looked at again right before the upload is completed, since a user may upload to it
 * while the image is unpacked (minutes): completing would overwrite that object.
 */
export function siblingSinkOpener(prepared: PreparedUnpack, deps: UnpackDeps, deadline: SinkDeadline | undefined): OpenSink {
  const { facts, source } = prepared;
  return async (siblingKey, found) => {
    const hints = ovfHints(found.ovf);
    const target: MultipartTarget = {
      bucket: source.bucket,
      key: siblingKey,
      metadata: siblingMetadata(facts.metadata, { key: source.key, etag: source.etag }, hints),
      ...(facts.taggingSupported ? { tags: userTags(facts.tags) } : {}),
    };
    const seenEtag = await checkSiblingKey(prepared, deps, target);
    const onAbortFailed = (error: unknown) =>
      deps.logger.error({ bucket: source.bucket, key: siblingKey, error: error instanceof Error ? error.message : String(error) }, 'multipart upload not aborted: a lifecycle rule must remove it');
    return new ImageSink({
      writer: createMultipartWriter(deps.store.multipart, target, { partSize: partSizeFor(deps.config.unpackMaxBytes), onAbortFailed, beforeComplete: () => checkSiblingUnchanged(prepared, deps, target, seenEtag) }),
      bucket: source.bucket,
      packedKey: source.key,
      siblingKey,
      maxBytes: deps.config.unpackMaxBytes,
      ...(deadline !== undefined ? { deadline } : {}),
      finalCheck: (image: ImageFacts, size: number) => {
        // The decision the pipeline will make, made before the upload completes: a rejected image leaves nothing.
        const decision = decideImportRequest({ source: { ...source, key: siblingKey, size }, metadata: facts.metadata, tags: facts.tags, defaults: deps.config.defaults, hints, image });
        return decision.ok ? [] : decision.problems;
      },
    });
  };
}
