// The files an OVA's descriptor names (ovf:href, DSP0243 §5.3): each must be a safe member name
// inside the OVA (no URL, no `..`, no absolute path), and the disk member must be the one the
// descriptor names, by its full name. OVAs made by GNU tar with the .ovf first, imported through
// the CLI on the local stack (s3rver in-process, the VM API emulator over HTTP).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../../src/edges/cli/main.js';
import type { DevStack } from '../../src/edges/local/dev-stack.js';
import { sameMemberName, unsafeOvfHref } from '../../src/domain/unpacking/index.js';
import { stackEnv } from '../../harness/capture-io.js';
import { importJson } from '../../harness/import-json.js';
import { makeDiskImage } from '../../harness/disk-images.js';
import { startTestStack, upload } from '../../harness/local-stack.js';
import { ovfDescriptor, packFiles } from '../../harness/packed-images.js';
import { objectBytes, statusRecordOf, uploadsInProgress } from '../../harness/unpack-checks.js';

const ubuntu = { id: 94, description: 'Ubuntu Linux (64-bit)', osType: 'ubuntu64Guest' };

/** An OVA of `app.ovf` (its disk's href `href`) and the disk `app-disk1.vmdk`; `tarArgs` rename members. */
function ova(href: string, options: { tarArgs?: string[]; descriptor?: (xml: string) => string } = {}): { image: Buffer; packed: Buffer } {
  const image = makeDiskImage('vmdk', '1G', ['subformat=streamOptimized']);
  const xml = ovfDescriptor([href], ubuntu);
  const files = [
    { name: 'app.ovf', bytes: options.descriptor?.(xml) ?? xml },
    { name: 'app-disk1.vmdk', bytes: image },
  ];
  return { image, packed: packFiles('ova', files, options.tarArgs !== undefined ? { tarArgs: options.tarArgs } : {}) };
}

describe('OVF hrefs', () => {
  let stack: DevStack;
  let env: NodeJS.ProcessEnv;

  before(async () => {
    stack = await startTestStack({ autoImport: false });
    env = stackEnv(stack);
  });
  after(async () => stack.stop());

  async function assertRejected(key: string, packed: Buffer, problem: { code: string; message: string }): Promise<void> {
    await upload(stack, key, packed, { metadata: { architecture: 'x86_64' } });
    const { code, outcome } = await importJson(runCli, env, key);
    assert.equal(code, 3, JSON.stringify(outcome));
    assert.deepEqual(outcome.problems?.map(({ code: problemCode, message }) => ({ code: problemCode, message })), [problem]);
    assert.equal(await objectBytes(stack.s3, 'images', key.replace(/\.ova$/, '.vmdk')), undefined);
    assert.equal((await statusRecordOf(stack.s3, 'images', key))?.['state'], 'rejected');
    assert.deepEqual(await uploadsInProgress(stack.s3, 'images', 'bad/'), []);
  }

  it('a disk href that climbs out with ".." is refused, though its base name matches the member', async () => {
    await assertRejected('bad/climb.ova', ova('../x/app-disk1.vmdk').packed, {
      code: 'archive-unsafe-member',
      message:
        'The OVA "bad/climb.ova" has a descriptor that refers to the file "../x/app-disk1.vmdk": it climbs out of the archive with "..". An OVA\'s descriptor names files inside the OVA only; such OVAs are not unpacked. Re-export the appliance as OVA, or upload its disk image.',
    });
  });

  it('a disk href that is a URL is refused', async () => {
    await assertRejected('bad/url.ova', ova('http://example.com/app-disk1.vmdk').packed, {
      code: 'archive-unsafe-member',
      message:
        'The OVA "bad/url.ova" has a descriptor that refers to the file "http://example.com/app-disk1.vmdk": it is a URL, not a file in the OVA. An OVA\'s descriptor names files inside the OVA only; such OVAs are not unpacked. Re-export the appliance as OVA, or upload its disk image.',
    });
  });

  it('a percent-encoded ".." is refused too', async () => {
    await assertRejected('bad/encoded.ova', ova('..%2Fapp-disk1.vmdk').packed, {
      code: 'archive-unsafe-member',
      message:
        'The OVA "bad/encoded.ova" has a descriptor that refers to the file "..%2Fapp-disk1.vmdk": it climbs out of the archive with "..". An OVA\'s descriptor names files inside the OVA only; such OVAs are not unpacked. Re-export the appliance as OVA, or upload its disk image.',
    });
  });

  it('an unsafe href of a file that is not the disk is refused as well', async () => {
    const withNvram = (xml: string) => xml.replace('<References>', '<References>\n    <File ovf:href="/etc/nvram" ovf:id="nvram"/>');
    await assertRejected('bad/nvram.ova', ova('app-disk1.vmdk', { descriptor: withNvram }).packed, {
      code: 'archive-unsafe-member',
      message:
        'The OVA "bad/nvram.ova" has a descriptor that refers to the file "/etc/nvram": it is an absolute path. An OVA\'s descriptor names files inside the OVA only; such OVAs are not unpacked. Re-export the appliance as OVA, or upload its disk image.',
    });
  });

  it('a disk member in another folder than the href names is refused (full names, not base names)', async () => {
    const packed = ova('sub/app-disk1.vmdk', { tarArgs: ['--transform=s,^app-disk1,other/app-disk1,'] }).packed;
    await assertRejected('bad/folder.ova', packed, {
      code: 'ova-disk-mismatch',
      message: 'The OVA "bad/folder.ova" holds the disk "other/app-disk1.vmdk", but its descriptor names "sub/app-disk1.vmdk". Re-export the appliance.',
    });
  });

  it('members written as "./name" match the href "name", and the disk is imported byte for byte', async () => {
    const { image, packed } = ova('app-disk1.vmdk', { tarArgs: ['--transform=s,^,./,'] });
    await upload(stack, 'good/dot.ova', packed, { metadata: { architecture: 'x86_64' } });
    const { code, outcome } = await importJson(runCli, env, 'good/dot.ova');
    assert.equal(code, 0, JSON.stringify(outcome));
    assert.equal(outcome.unpackedTo?.key, 'good/dot.vmdk');
    assert.equal(outcome.unpackedTo?.member, './app-disk1.vmdk');
    assert.deepEqual(await objectBytes(stack.s3, 'images', 'good/dot.vmdk'), image);
  });

  it('a percent-encoded href names the member it decodes to', async () => {
    const { image, packed } = ova('app%2Ddisk1.vmdk');
    await upload(stack, 'good/encoded.ova', packed, { metadata: { architecture: 'x86_64' } });
    const { code, outcome } = await importJson(runCli, env, 'good/encoded.ova');
    assert.equal(code, 0, JSON.stringify(outcome));
    assert.equal(outcome.unpackedTo?.member, 'app-disk1.vmdk');
    assert.deepEqual(await objectBytes(stack.s3, 'images', 'good/encoded.vmdk'), image);
  });
});

describe('OVF href rules', () => {
  it('names why an href is no member of the OVA', () => {
    assert.deepEqual(
      ['disk.vmdk', 'a/disk.vmdk', 'disk%201.vmdk', 'https://x/disk.vmdk', 'file:disk.vmdk', 'C:\\disk.vmdk', '//host/disk.vmdk', 'a/%2e%2e/disk.vmdk', '%zz'].map(unsafeOvfHref),
      [
        undefined,
        undefined,
        undefined,
        'it is a URL, not a file in the OVA',
        'it is a URL, not a file in the OVA',
        'it starts with a drive letter',
        'it is an absolute path',
        'it climbs out of the archive with ".."',
        'it has a broken percent-encoding',
      ],
    );
  });

  it('compares whole member names, ignoring "./" and doubled slashes only', () => {
    assert.deepEqual(
      [
        ['./disk.vmdk', 'disk.vmdk'],
        ['a//b/disk.vmdk', 'a/b/disk.vmdk'],
        ['x/disk.vmdk', 'disk.vmdk'],
        ['a/disk.vmdk', 'b/disk.vmdk'],
      ].map(([one, other]) => sameMemberName(one ?? '', other ?? '')),
      [true, true, false, false],
    );
  });
});
