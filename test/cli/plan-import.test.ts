import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../../src/edges/cli/main.js';
import type { DevStack } from '../../src/edges/local/dev-stack.js';
import { captureIo, stackEnv } from '../../harness/capture-io.js';
import { makeDiskImage } from '../../harness/disk-images.js';
import { startTestStack, upload } from '../../harness/local-stack.js';

describe('oss-image-import plan and import', () => {
  let stack: DevStack;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    stack = await startTestStack({ autoImport: false });
    env = stackEnv(stack);
    const qcow2 = makeDiskImage('qcow2', '50G');
    await upload(stack, 'cli/ubuntu.qcow2', qcow2, { metadata: { platform: 'Ubuntu', 'os-version': '22.04' }, tags: { architecture: 'arm64' } });
    await upload(stack, 'cli/small-disk.qcow2', qcow2, { metadata: { platform: 'Ubuntu', 'system-disk-size-gb': '40' } });
  });
  after(async () => stack.stop());

  it('plan --json prints the request that would be sent, with where each field came from', async () => {
    const { io, captured } = captureIo(env);
    assert.equal(await runCli(['plan', 's3://images/cli/ubuntu.qcow2', '--json'], io), 0);
    const plan = JSON.parse(captured.out) as { importable: boolean; request: Record<string, unknown>; fieldSources: Record<string, string>; image: { format: string; virtualSizeBytes: number } };
    assert.equal(plan.importable, true);
    assert.equal(plan.request['diskFormat'], 'qcow2');
    assert.equal(plan.request['architecture'], 'arm64');
    assert.equal(plan.request['systemDiskSizeGB'], 50);
    assert.deepEqual(plan.fieldSources, {
      architecture: 'tag',
      platform: 'metadata',
      osType: 'derived',
      osVersion: 'metadata',
      systemDiskSizeGB: 'derived',
      imageName: 'derived',
      description: 'derived',
    });
    assert.equal(plan.image.virtualSizeBytes, 50 * 2 ** 30);
    assert.match(String(plan.request['imageUrl']), /X-Amz-Signature=REDACTED/);
    assert.equal(stack.emulator.counters.requests, 0);
  });

  it('plan says what follows the import: the copies and the share, in text and --json', async () => {
    await upload(stack, 'cli/copied.qcow2', makeDiskImage('qcow2', '1G'), { metadata: { platform: 'Ubuntu', 'copy-to-regions': 'cn-east-2,cn-south-1' }, tags: { 'share-with': 'jdpin-alice' } });
    const text = captureIo(env);
    assert.equal(await runCli(['plan', 's3://images/cli/copied.qcow2'], text.io), 0);
    assert.ok(text.captured.out.endsWith('\nthen copied to cn-east-2, cn-south-1\nthen shared with jdpin-alice\n'), text.captured.out);
    const json = captureIo(env);
    assert.equal(await runCli(['plan', 's3://images/cli/copied.qcow2', '--json'], json.io), 0);
    assert.deepEqual((JSON.parse(json.captured.out) as { followThrough: unknown }).followThrough, { copyToRegions: ['cn-east-2', 'cn-south-1'], shareWith: ['jdpin-alice'] });
    assert.equal(stack.emulator.counters.requests, 0);
  });

  it('plan exits 3 with every reason when the object cannot be imported', async () => {
    const { io, captured } = captureIo(env);
    assert.equal(await runCli(['plan', 's3://images/cli/small-disk.qcow2'], io), 3);
    assert.equal(
      captured.out,
      's3://images/cli/small-disk.qcow2 would be rejected:\n' +
        "  - system-disk-size-gb is 40, but the image's virtual size is 53687091200 bytes (50 GiB), which does not fit in 40 GiB. Set system-disk-size-gb to at least 50, or leave it out to derive it from the image.\n",
    );
  });

  it('import submits once, and a second import is a no-op (exit 0 both times)', async () => {
    const first = captureIo(env);
    assert.equal(await runCli(['import', 's3://images/cli/ubuntu.qcow2'], first.io), 0);
    assert.match(first.captured.out, /^Submitted s3:\/\/images\/cli\/ubuntu\.qcow2: image img-\w+, task \d+\.\n$/);
    const second = captureIo(env);
    assert.equal(await runCli(['import', 's3://images/cli/ubuntu.qcow2', '--json'], second.io), 0);
    assert.equal((JSON.parse(second.captured.out) as { outcome: string }).outcome, 'duplicate');
    assert.equal(stack.emulator.counters.imagesCreated, 1);
  });

  it('tasks shows the import without the presigned URL\'s signature or key id', async () => {
    const { io, captured } = captureIo(env);
    assert.equal(await runCli(['tasks', '--json'], io), 0);
    const { tasks } = JSON.parse(captured.out) as { tasks: Array<{ imageUrl?: string }> };
    assert.equal(tasks.length, 1);
    assert.match(tasks[0]?.imageUrl ?? '', /X-Amz-Signature=REDACTED/);
    assert.doesNotMatch(captured.out, /X-Amz-Signature=[0-9a-f]{64}|S3RVER%2F/);
  });

  it('plan and import answer a key that names no disk image with the unknown-extension rejection (exit 3), which event deliveries skip', async () => {
    await upload(stack, 'cli/font.woff2', makeDiskImage('qcow2', '1G'), { metadata: { platform: 'Ubuntu' } });
    const reason =
      'The key "cli/font.woff2" ends in ".woff2", which is not a disk image extension; allowed: .qcow2, .qcow, .vhd, .vmdk, .raw or .img. ' +
      'Name the file after its format, or convert it: qemu-img convert -O qcow2 cli/font.woff2 cli/font.qcow2 and upload the .qcow2.';
    const planned = captureIo(env);
    assert.equal(await runCli(['plan', 's3://images/cli/font.woff2'], planned.io), 3);
    assert.equal(planned.captured.out, `s3://images/cli/font.woff2 would be rejected:\n  - ${reason}\n`);
    const imported = captureIo(env);
    assert.equal(await runCli(['import', 's3://images/cli/font.woff2', '--json'], imported.io), 3);
    const outcome = JSON.parse(imported.captured.out) as { outcome: string; problems: Array<{ code: string; message: string }> };
    assert.deepEqual([outcome.outcome, outcome.problems.map((problem) => [problem.code, problem.message])], ['rejected', [['unknown-extension', reason]]]);
  });

  it('import exits 3 for a rejected image and 1 for a missing object', async () => {
    assert.equal(await runCli(['import', 's3://images/cli/small-disk.qcow2'], captureIo(env).io), 3);
    const missing = captureIo(env);
    assert.equal(await runCli(['plan', 's3://images/cli/nothing-here.qcow2'], missing.io), 1);
    assert.equal(missing.captured.err, 's3://images/cli/nothing-here.qcow2 does not exist.\n');
    const missingImport = captureIo(env);
    assert.equal(await runCli(['import', 's3://images/cli/nothing-here.qcow2'], missingImport.io), 1);
    assert.equal(missingImport.captured.err, 's3://images/cli/nothing-here.qcow2 does not exist.\n');
  });

  it('exits 1 naming both variables when credentials are missing, and 2 on usage errors, from a flag or the environment', async () => {
    const noKeys = captureIo({ ...env, JDCLOUD_ACCESS_KEY_ID: '', JDCLOUD_SECRET_ACCESS_KEY: undefined });
    assert.equal(await runCli(['plan', 's3://images/cli/ubuntu.qcow2'], noKeys.io), 1);
    assert.match(noKeys.captured.err, /JDCLOUD_ACCESS_KEY_ID is empty, JDCLOUD_SECRET_ACCESS_KEY is not set\. Set JDCLOUD_ACCESS_KEY_ID and JDCLOUD_SECRET_ACCESS_KEY\./);
    const badUri = captureIo(env);
    assert.equal(await runCli(['plan', 'images/cli/ubuntu.qcow2'], badUri.io), 2);
    assert.match(badUri.captured.err, /"images\/cli\/ubuntu\.qcow2" is not an s3:\/\/ location: use s3:\/\/bucket\/key\./);
    assert.equal(await runCli(['import'], captureIo(env).io), 2);
    assert.equal(await runCli(['frobnicate'], captureIo(env).io), 2);
    const badFlag = captureIo(env);
    assert.equal(await runCli(['plan', 's3://images/cli/ubuntu.qcow2', '--region', 'north'], badFlag.io), 2);
    // The same mistake in the environment is the same exit code.
    const badRegion = captureIo({ ...env, JDCLOUD_REGION: 'north' });
    assert.equal(await runCli(['plan', 's3://images/cli/ubuntu.qcow2'], badRegion.io), 2);
    assert.equal(badRegion.captured.err, 'JDCLOUD_REGION="north" is not a JD Cloud region id, e.g. cn-north-1.\n');
    const badLogLevel = captureIo({ ...env, LOG_LEVEL: 'bogus' });
    assert.equal(await runCli(['import', 's3://images/cli/ubuntu.qcow2', '--json'], badLogLevel.io), 2);
    const logLevelMessage = 'LOG_LEVEL="bogus" is not allowed: use one of fatal, error, warn, info, debug, trace, silent.';
    assert.equal(badLogLevel.captured.err, `${logLevelMessage}\n`);
    assert.deepEqual(JSON.parse(badLogLevel.captured.out), { error: { name: 'ConfigError', message: logLevelMessage } });
  });
});
