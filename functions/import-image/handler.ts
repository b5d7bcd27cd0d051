// The deployed entry point: an OSS upload event in, a summary out. It only wires the pipeline.
import { createPipelineDeps, type EventSummary, handleEvent, TransientImportFailure } from '../../src/use-cases/importing/index.js';
import { functionTimeoutSeconds } from '../../src/use-cases/config/index.js';

let deps: ReturnType<typeof createPipelineDeps> | undefined;

/**
 * Imports every image the event announces. A rejected image is recorded and is not an error;
 * a transient failure that survived the retries throws, so the platform delivers the event
 * again — which is safe, since a second delivery of an imported version submits nothing.
 * The summary holds counts and, per record, what happened (no secrets).
 */
export async function handler(event: unknown, _context?: unknown): Promise<EventSummary> {
  // Clients are kept across warm invocations: keep-alive pools and parsed configuration.
  // Unpacking a compressed upload must end before fc stops the function (issue 14).
  deps ??= createPipelineDeps(process.env, { unpackTimeLimitSeconds: functionTimeoutSeconds(process.env) });
  const summary = await handleEvent(event, deps);
  if (summary.transientFailures > 0) {
    throw new TransientImportFailure(summary);
  }
  return summary;
}
