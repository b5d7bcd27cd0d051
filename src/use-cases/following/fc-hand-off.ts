import { createJdCloudClient, type JdCloudCredentials } from '../../adapters/jdcloud/index.js';
import { invokeFunctionAsync } from '../../adapters/jdcloud/fc/index.js';
import type { FollowEvent, FollowRequest } from '../../domain/following/index.js';
import type { FcFollower } from '../config/index.js';

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
  const client = createJdCloudClient({ endpoint: fc.endpoint, service: 'fc', credentials });
  return {
    async handOff(request) {
      const event: FollowEvent = { follow: request };
      const { requestId } = await invokeFunctionAsync(client, fc.region, { serviceName: fc.service, functionName: fc.functionName, event: JSON.stringify(event) });
      return { requestId };
    },
    close: () => client.close(),
  };
}
