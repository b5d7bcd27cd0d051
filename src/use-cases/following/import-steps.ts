import { retagSourceObject } from '../../adapters/oss/index.js';
import { type FollowRequest, gaveUpRecord, withFollowThroughCancelled } from '../../domain/following/index.js';
import { importInFlight, type StatusRecord } from '../../domain/status/index.js';
import { redactSecretsInText } from '../../kernel/index.js';
import { deleteMarkerUnlessInFlight, refreshRecords } from '../operations/index.js';
import type { FollowDeps } from './follow-deps.js';
import { type Updated, updateFollowed } from './followed-record.js';

/** What one step did: the update, and whether anything moved (else the follower waits before trying again). */
export interface StepResult {
  updated: Updated;
  moved: boolean;
}

/**
 * Once the import is final, the record is its own index: the in-flight marker goes, and the
 * source object's state tag follows the record (both as the refresh does; best effort).
 */
async function afterImportFinal(deps: FollowDeps, request: FollowRequest, record: StatusRecord): Promise<void> {
  try {
    await deleteMarkerUnlessInFlight(deps.s3, { bucket: request.bucket, statusPrefix: deps.statusPrefix }, request.key);
  } catch (error) {
    // A marker left behind costs the next full refresh one read; the record is written.
    deps.logger.warn({ bucket: request.bucket, key: request.key, error: redactSecretsInText(String(error)) }, 'in-flight marker not removed');
  }
  await retagSourceObject(deps.s3, { bucket: request.bucket, key: request.key }, { 'image-import-state': record.state });
}

/**
 * Asks JD about the import's task (and image, once the task finished), as the refresh does
 * (refreshRecords), and writes what moved into a fresh read of the record.
 */
export async function pollImport(deps: FollowDeps, request: FollowRequest, holder: string, record: StatusRecord): Promise<StepResult> {
  const [moved] = await refreshRecords([record], deps.tracker, deps.now());
  if (moved === undefined) return { updated: { kind: 'unchanged', record }, moved: false };
  const updated = await updateFollowed(deps, request, holder, (current) =>
    importInFlight(current) ? withFollowThroughCancelled({ ...current, state: moved.state, ...(moved.task !== undefined ? { task: moved.task } : {}) }) : undefined,
  );
  if (updated.kind === 'written' && !importInFlight(updated.record)) await afterImportFinal(deps, request, updated.record);
  return { updated, moved: updated.kind === 'written' && updated.record.state !== record.state };
}

/** After the maximum follow time: what is still under way ends in `error`, with how long it was followed. */
export async function giveUp(deps: FollowDeps, request: FollowRequest, holder: string): Promise<StepResult> {
  const hours = Math.round((deps.maxFollowMs / 3_600_000) * 100) / 100;
  let wasInFlight = false;
  const updated = await updateFollowed(deps, request, holder, (current) => {
    wasInFlight = importInFlight(current);
    return gaveUpRecord(current, hours, deps.now());
  });
  if (updated.kind === 'written' && wasInFlight) await afterImportFinal(deps, request, updated.record);
  deps.logger.warn({ bucket: request.bucket, key: request.key, hours }, 'follow-through given up after the maximum follow time');
  return { updated, moved: true };
}
