// The deployed entry point: an OSS upload event in, a summary out. It only wires the pipeline,
// then hands each import to the follower (the refresh function, invoked asynchronously).
import { loadCredentials } from '../../src/adapters/jdcloud/index.js';
import { createPipelineDeps, type EventSummary, handleEvent, TransientImportFailure } from '../../src/use-cases/importing/index.js';
import { functionTimeoutSeconds, loadConfig } from '../../src/use-cases/config/index.js';
import { fcHandOff, type FollowHandOff, followRequestsAfter, type HandOffs, handOffAll } from '../../src/use-cases/following/index.js';

let deps: ReturnType<typeof createPipelineDeps> | undefined;
let handOff: FollowHandOff | undefined;

/** Tests: closes the clients kept across warm invocations; the next call wires them again from the environment. */
export async function closeHandlerClients(): Promise<void> {
  await deps?.close();
  deps = undefined;
}

/** The summary, and which imports went to a follower (fc request ids). */
export type ImportSummary = EventSummary & { followers?: HandOffs['handedOff'] };

/**
 * Imports every image the event announces. A rejected image is recorded and is not an error;
 * a transient failure that survived the retries throws, so the platform delivers the event
 * again — which is safe, since a second delivery of an imported version submits nothing.
 * Each import (and, with IMAGE_NOTIFY_URL, each final rejection) then goes to a follower: an
 * asynchronous invocation of the refresh function with its follow request; a hand-off that
 * fails throws too, for the same redelivery. The summary holds counts and, per record, what
 * happened (no secrets).
 */
export async function handler(event: unknown, _context?: unknown): Promise<ImportSummary> {
  // Clients are kept across warm invocations: keep-alive pools and parsed configuration.
  // Unpacking a compressed upload must end before fc stops the function (issue 14).
  if (deps === undefined) {
    const config = loadConfig(process.env);
    deps = createPipelineDeps(process.env, { config, unpackTimeLimitSeconds: functionTimeoutSeconds(config.follow) });
  }
  const { fc, notify } = deps.config.follow;
  if (fc !== undefined) handOff ??= fcHandOff(fc, loadCredentials(process.env));
  const summary = await handleEvent(event, deps);
  const requests = followRequestsAfter(summary.outcomes, { now: new Date(), notify: notify !== undefined });
  if (handOff === undefined) {
    // Deployed without the plugin's variables (docs/deploy.md): nobody follows these imports.
    if (requests.length > 0) deps.logger.warn({ imports: requests.length }, 'no follower to hand the imports to: OSS_IMAGE_IMPORT_FC_* are not set; run `oss-image-import status --follow`');
    if (summary.transientFailures > 0) throw new TransientImportFailure(summary);
    return summary;
  }
  const handOffs = await handOffAll(requests, handOff);
  for (const failed of handOffs.failed) deps.logger.error(failed, 'import not handed to its follower');
  if (summary.transientFailures > 0 || handOffs.failed.length > 0) throw new TransientImportFailure(summary, handOffs.failed);
  return { ...summary, followers: handOffs.handedOff };
}
