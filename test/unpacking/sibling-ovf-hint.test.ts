// An OVA's descriptor only suggests the OS: the user's metadata and tags still win (issue 14,
// "user metadata wins"). A Windows appliance the user says is Ubuntu imports as Ubuntu, its
// os-type derived from that platform, not from the descriptor.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../../src/edges/cli/main.js';
import type { DevStack } from '../../src/edges/local/dev-stack.js';
import { captureIo, stackEnv } from '../../harness/capture-io.js';
import { makeDiskImage } from '../../harness/disk-images.js';
import { startTestStack, upload } from '../../harness/local-stack.js';
import { ovfDescriptor, packFiles } from '../../harness/packed-images.js';
import { objectMetadata, statusRecordOf } from '../../harness/unpack-checks.js';

describe('the OVF descriptor\'s OS hint under the user\'s metadata', () => {
  let stack: DevStack;

  before(async () => {
    stack = await startTestStack({ autoImport: false });
  });
  after(async () => stack.stop());

  it('a Windows OVA with metadata platform=Ubuntu is planned and imported as Ubuntu (linux)', async () => {
    const vmdk = makeDiskImage('vmdk', '1G', ['subformat=streamOptimized']);
    const ovf = ovfDescriptor(['win-disk1.vmdk'], { id: 112, description: 'Microsoft Windows Server 2019 (64-bit)', osType: 'windows2019srv_64Guest' });
    await upload(stack, 'hint/win.ova', packFiles('ova', [{ name: 'win.ovf', bytes: ovf }, { name: 'win-disk1.vmdk', bytes: vmdk }]), { metadata: { platform: 'Ubuntu', architecture: 'x86_64' } });

    const planned = captureIo(stackEnv(stack));
    assert.equal(await runCli(['plan', 's3://images/hint/win.ova', '--json'], planned.io), 0, planned.captured.out + planned.captured.err);
    const plan = JSON.parse(planned.captured.out) as { fieldSources: Record<string, string>; request: Record<string, unknown> };
    assert.deepEqual({ platform: plan.request['platform'], osType: plan.request['osType'], source: plan.fieldSources['platform'] }, { platform: 'Ubuntu', osType: 'linux', source: 'metadata' });

    const imported = captureIo(stackEnv(stack));
    const code = await runCli(['import', 's3://images/hint/win.ova', '--json'], imported.io);
    const outcome = JSON.parse(imported.captured.out) as { outcome: string; unpackedTo?: { key: string } };
    assert.equal(code, 0, imported.captured.out + imported.captured.err);
    assert.deepEqual({ outcome: outcome.outcome, sibling: outcome.unpackedTo?.key }, { outcome: 'submitted', sibling: 'hint/win.vmdk' });
    const record = await statusRecordOf(stack.s3, 'images', 'hint/win.vmdk');
    const request = record?.['request'] as Record<string, unknown>;
    assert.deepEqual({ platform: request['platform'], osType: request['osType'] }, { platform: 'Ubuntu', osType: 'linux' });
    // The sibling carries the descriptor's platform as a hint, and no os-type of its own that could outrank the user's platform.
    const metadata = await objectMetadata(stack.s3, 'images', 'hint/win.vmdk');
    assert.deepEqual({ platform: metadata['platform'], ovfPlatform: metadata['ovf-platform'], ovfOsType: metadata['ovf-os-type'] }, { platform: 'Ubuntu', ovfPlatform: 'Windows Server', ovfOsType: undefined });
  });
});
