import { createJdCloudClient, type JdCloudCredentials } from '../../adapters/jdcloud/index.js';
import { invokeFunctionAsync } from '../../adapters/jdcloud/fc/index.js';
import type { FollowEvent, FollowRequest } from '../../domain/following/index.js';
import type { FcFollower } from '../config/index.js';
import { redactSecretsInText } from '../../kernel/index.js';
import { followerJdClientLimits } from './step-time.js';

/** Hands a follow request to a follower that runs elsewhere; resolves once it was accepted. */
export interface FollowHandOff {
  handOff(request: FollowRequest): Promise<{ requestId: string }>;
  close(): Promise<void>;
}

/**
 * Hands follow requests to the deployed refresh function: an asynchronous invocation through
 * fc's invocations API (`x-fc-invocation-type: Async`, docs/reference/jdcloud-api.md §3.1) with
 * `{"follow": <request>}` as its event. fc answers at once and may deliver an event twice; the
 * lease in the status record makes that harmless.
 */
export function fcHandOff(fc: FcFollower, credentials: JdCloudCredentials): FollowHandOff {
  // The follower's limits: the hand-off fits the reserve an invocation keeps for it (handOffReserveMs).
  const client = createJdCloudClient({ endpoint: fc.endpoint, service: 'fc', credentials, ...followerJdClientLimits });
  return {
    async handOff(request) {
      const event: FollowEvent = { follow: request };
      const { requestId } = await invokeFunctionAsync(client, fc.region, { serviceName: fc.service, functionName: fc.functionName, event: JSON.stringify(event) });
      return { requestId };
    },
    close: () => client.close(),
  };
}

/** What handing the imports of one event to their followers came to. */
export interface HandOffs {
  handedOff: Array<{ key: string; requestId: string }>;
  /** Hand-offs that failed after the client's retries; the invocation should fail so fc delivers the event again. */
  failed: Array<{ key: string; error: string }>;
}

/**
 * Hands each request to its follower. A failure does not stop the others; the caller decides
 * what it means (the import function fails its invocation, so the event comes again: its
 * duplicate delivery hands the import off again, and the lease keeps two followers harmless).
 */
export async function handOffAll(requests: readonly FollowRequest[], handOff: FollowHandOff): Promise<HandOffs> {
  const result: HandOffs = { handedOff: [], failed: [] };
  for (const request of requests) {
    try {
      result.handedOff.push({ key: request.key, requestId: (await handOff.handOff(request)).requestId });
    } catch (error) {
      result.failed.push({ key: request.key, error: redactSecretsInText(error instanceof Error ? error.message : String(error)) });
    }
  }
  return result;
}
