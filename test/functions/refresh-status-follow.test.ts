// The refresh function as the follower, called as fc calls it: its timeout comes from
// OSS_IMAGE_IMPORT_FC_TIMEOUT, which the plugin sets (fc documents no context to read it from),
// and an invocation starts no step that could outlast that timeout.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { handler } from '../../functions/refresh-status/handler.js';
import type { DevStack } from '../../src/edges/local/index.js';
import type { FollowInvocationSummary } from '../../src/use-cases/following/index.js';
import { followingSuite, followRequestOf, readRecordOf, submitUpload } from '../../harness/following.js';

describe('functions/refresh-status/handler following an import', () => {
  let stack: DevStack;
  let env: NodeJS.ProcessEnv;
  followingSuite({ path: '/hooks', secret: 'notify-secret-of-32-characters!!' }, (started) => ({ stack, env } = started));
  // The handler reads its configuration from the environment, as on the platform.
  const saved = { ...process.env };
  after(() => {
    process.env = saved;
  });

  async function follow(key: string, timeoutVariable: string, context: unknown): Promise<FollowInvocationSummary['follow']> {
    process.env = { ...saved, ...env, OSS_IMAGE_IMPORT_FC_TIMEOUT: timeoutVariable };
    return ((await handler({ follow: await followRequestOf(stack, key) }, context)) as FollowInvocationSummary).follow;
  }

  it('takes its timeout from OSS_IMAGE_IMPORT_FC_TIMEOUT over the context: 30 s leaves room for one step only, 300 s for all', async () => {
    const key = 'function/timeout.qcow2';
    await submitUpload(stack, key, { 'share-with': 'jdpin-alice' });
    const context = { requestId: 'fc-request-1', function: { name: 'refreshStatus', timeout: 300 } };

    // 30 s less the hand-off's reserve leaves no step room: the first step runs all the same (or nothing would move), then the invocation would hand on.
    const short = await follow(key, '30', context);
    assert.deepEqual({ outcome: short.outcome, steps: short.steps }, { outcome: 'continue', steps: 1 });
    assert.equal((await readRecordOf(stack, key)).shares?.state, 'pending');

    const long = await follow(key, '300', { ...context, requestId: 'fc-request-2' });
    assert.deepEqual({ outcome: long.outcome, state: long.state }, { outcome: 'done', state: 'ready' });
    assert.equal((await readRecordOf(stack, key)).shares?.state, 'shared');
  });
});
