import { fcLimits, fcResourceNamePattern } from '../../../domain/jdcloud-rules/index.js';
import * as z from '../../../kernel/zod.js';
import type { JdCloudClient } from '../client/create-jdcloud-client.js';
import { parseInput, typeError } from '../vm/input-rules.js';

const resourceName = (what: string) =>
  z.string({ error: typeError(`a ${what} name`) }).check(
    z.refine((name) => fcResourceNamePattern.test(name), {
      error: (issue) => `must be 1 to ${fcLimits.maxResourceNameLength} Chinese characters, letters, digits, "_" or "-"; got ${JSON.stringify(issue.input)}`,
    }),
  );

/**
 * What an asynchronous invocation sends (docs/reference/jdcloud-api.md §3.1). fc documents no
 * size limit for the event (the 128 KB of §3.5 is the legacy Function Service's).
 */
export const invokeFunctionInputSchema = z.strictObject({
  serviceName: resourceName('service'),
  functionName: resourceName('function'),
  /** The function's event as JSON text. */
  event: z.string({ error: typeError('the event as JSON text') }).check(
    z.refine((text) => isJson(text), { error: 'must be JSON text (fc passes it to the function as its event)' }),
  ),
});

export type InvokeFunctionInput = z.input<typeof invokeFunctionInputSchema>;

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

export interface InvokeFunctionResult {
  /** The request id fc answers at once; the function runs later. */
  requestId: string;
  attempts: number;
}

/**
 * Invokes a function asynchronously: `POST …/services/{service}/functions/{function}/invocations`
 * with `x-fc-invocation-type: Async` (fc offers no Sync yet) and body `{"body": <event text>}`.
 * fc answers with a request id only, perhaps without `result`. Retries may deliver the event
 * twice (fc retries failed async calls too), so the function must be idempotent.
 */
export async function invokeFunctionAsync(client: JdCloudClient, regionId: string, input: InvokeFunctionInput): Promise<InvokeFunctionResult> {
  const { serviceName, functionName, event } = parseInput('invokeFunction', invokeFunctionInputSchema, input);
  const { requestId, attempts } = await client.call({
    method: 'POST',
    regionId,
    path: `/services/${serviceName}/functions/${functionName}/invocations`,
    headers: { 'x-fc-invocation-type': 'Async' },
    body: { body: event },
    schema: z.unknown(),
  });
  return { requestId, attempts };
}
