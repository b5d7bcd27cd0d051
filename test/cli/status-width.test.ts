// `status` on a terminal fits its width; piped (or with --json) it prints everything.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../../src/edges/cli/main.js';
import type { DevStack } from '../../src/edges/local/dev-stack.js';
import { handleEvent } from '../../src/use-cases/importing/handle-event.js';
import { captureIo, stackEnv } from '../../harness/capture-io.js';
import { makeDiskImage } from '../../harness/disk-images.js';
import { startTestStack, upload } from '../../harness/local-stack.js';

const longKey = 'releases/2024/ubuntu/jammy/server-cloudimg/ubuntu-22.04-server-cloudimg-amd64-disk-kvm.qcow2';
const shortKey = 'a.qcow2';

describe('oss-image-import status and the terminal width', () => {
  let stack: DevStack;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    stack = await startTestStack({ autoImport: false });
    env = stackEnv(stack);
    const image = makeDiskImage('qcow2', '1G');
    // No platform: rejected, with a long message.
    await upload(stack, longKey, image);
    await upload(stack, shortKey, image, { metadata: { platform: 'Ubuntu' } });
    const records = [longKey, shortKey].map((key) => ({ eventName: 'ObjectCreated:Put', s3: { bucket: { name: stack.bucket }, object: { key } } }));
    await handleEvent({ Records: records }, stack.deps);
  });
  after(() => stack.stop());

  it('cuts keys in the middle and messages at the end so every line fits a 100-column terminal', async () => {
    const { io, captured } = captureIo(env, { isTty: true, columns: 100 });
    assert.equal(await runCli(['status', `s3://${stack.bucket}/`], io), 0, captured.err);
    const lines = captured.out.trimEnd().split('\n');
    assert.equal(lines.length, 3);
    for (const line of lines) assert.ok([...line].length <= 100, `${[...line].length} columns: ${line}`);
    const rejected = lines.find((line) => line.includes('rejected')) ?? '';
    // The key keeps its start and its extension; key and message share the room.
    assert.match(rejected, /^releases\/2024\/…[^ ]*kvm\.qcow2 +rejected {2}/);
    assert.match(rejected, /platform is missing[^…]*…$/);
    const [key = '', message = ''] = [rejected.split(' ')[0], rejected.slice(rejected.indexOf('platform'))];
    assert.ok(Math.abs([...key].length - [...message].length) <= 1, `${key} | ${message}`);
    assert.match(lines.find((line) => line.startsWith('a.qcow2')) ?? '', /^a\.qcow2 +submitted +img-\w+/);
  });

  it('prints whole keys and messages when stdout is not a terminal', async () => {
    const { io, captured } = captureIo(env, { isTty: false, columns: 100 });
    assert.equal(await runCli(['status', `s3://${stack.bucket}/`], io), 0, captured.err);
    const rejected = captured.out.split('\n').find((line) => line.includes('rejected')) ?? '';
    assert.ok(rejected.startsWith(`${longKey}  rejected`), rejected);
    assert.ok(rejected.length > 100, rejected);
    assert.doesNotMatch(captured.out, /…/);
  });
});
