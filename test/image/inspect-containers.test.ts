// Compressed and archived images, made by the real tools: recognised by their magic and
// rejected with what to do instead.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { checkFile, codes, inspectFile } from './read-test-image.js';
import { makeTestImages, requireTools, type TestImages } from './test-images.js';

describe('inspectImage on compressed and archived images', () => {
  let images: TestImages;
  before(async () => {
    await requireTools(['qemu-img', 'sfdisk', 'gzip', 'xz', 'zstd', 'bzip2', 'zip', 'tar']);
    images = await makeTestImages(['v3.qcow2.gz', 'v3.qcow2.xz', 'v3.qcow2.zst', 'v3.qcow2.bz2', 'v3.qcow2.zip', 'v3.qcow2.tar', 'appliance.ova']);
  });
  after(() => images?.remove());

  it('gzip: names the original file from the gzip header and the size from its trailer', async () => {
    const facts = await inspectFile(images.path('v3.qcow2.gz'));
    assert.equal(facts.format, 'gzip');
    assert.equal(facts.virtualSizeBytes, null);
    assert.equal(facts.details['originalName'], 'v3.qcow2');
    assert.equal(facts.details['uncompressedSizeMod2To32'], 196616);
    assert.deepEqual(facts.problems, [
      {
        code: 'compressed-image',
        field: 'content',
        value: 'gzip',
        message:
          'The content is gzip-compressed. JD Cloud imports only uncompressed qcow2, vhd, vmdk or raw images. Decompress it (gunzip -k v3.qcow2.gz) and upload "v3.qcow2" instead.',
      },
    ]);
  });

  for (const [name, format, command] of [
    ['v3.qcow2.xz', 'xz', 'unxz -k v3.qcow2.xz'],
    ['v3.qcow2.zst', 'zstd', 'unzstd v3.qcow2.zst'],
    ['v3.qcow2.bz2', 'bzip2', 'bunzip2 -k v3.qcow2.bz2'],
  ] as const) {
    it(`${format}: recognised and rejected`, async () => {
      const facts = await inspectFile(images.path(name));
      assert.equal(facts.format, format);
      assert.deepEqual(facts.problems, [
        {
          code: 'compressed-image',
          field: 'content',
          value: format,
          message: `The content is ${format}-compressed. JD Cloud imports only uncompressed qcow2, vhd, vmdk or raw images. Decompress it (${command}) and upload the disk image instead.`,
        },
      ]);
    });
  }

  it('zstd: reads the content size from the frame header', async () => {
    const facts = await inspectFile(images.path('v3.qcow2.zst'));
    assert.equal(facts.details['uncompressedSizeBytes'], 196616);
  });

  it('zip: names the first entry', async () => {
    const facts = await inspectFile(images.path('v3.qcow2.zip'));
    assert.equal(facts.format, 'zip');
    assert.deepEqual(facts.problems, [
      {
        code: 'archive-image',
        field: 'content',
        value: 'zip',
        message:
          'The content is a zip archive. JD Cloud imports only uncompressed qcow2, vhd, vmdk or raw images. Extract it (unzip v3.qcow2.zip) and upload the disk image inside (the first entry is "v3.qcow2").',
      },
    ]);
  });

  it('tar: names the first entry and its size', async () => {
    const facts = await inspectFile(images.path('v3.qcow2.tar'));
    assert.equal(facts.format, 'tar');
    assert.equal(facts.details['firstEntry'], 'v3.qcow2');
    assert.equal(facts.details['firstEntrySizeBytes'], 196616);
    assert.deepEqual(codes(facts.problems), ['archive-image']);
  });

  it('OVA: a tar whose first entry is the .ovf; says to extract the VMDK', async () => {
    const facts = await inspectFile(images.path('appliance.ova'));
    assert.equal(facts.format, 'tar');
    assert.equal(facts.details['ova'], true);
    assert.deepEqual(facts.problems, [
      {
        code: 'archive-image',
        field: 'content',
        value: 'tar',
        message:
          'The content is an OVA (a tar archive whose first entry is "appliance.ovf"). JD Cloud imports only uncompressed qcow2, vhd, vmdk or raw images. Extract it (tar -xf appliance.ova) and upload the disk inside; its streamOptimized .vmdk can be uploaded as it is, or converted: qemu-img convert -f vmdk -O qcow2 disk1.vmdk disk1.qcow2',
      },
    ]);
  });

  it('a compressed file renamed to .qcow2 is rejected for its content and for the contradiction', async () => {
    const checked = await checkFile(await images.copyAs('v3.qcow2.gz', 'renamed-gzip.qcow2'));
    assert.equal(checked.format, undefined);
    assert.deepEqual(codes(checked.problems), ['format-mismatch', 'compressed-image']);
    assert.equal(
      checked.problems[0]?.message,
      'The key "renamed-gzip.qcow2" claims qcow2 (extension ".qcow2"), but the content is gzip (gzip-compressed file (of "v3.qcow2")). Upload a real image of the format the name claims (see the other problem for what to do with this file).',
    );
  });

  it('a compressed name and compressed content: one problem for the key, one for the content', async () => {
    const checked = await checkFile(images.path('v3.qcow2.xz'));
    assert.deepEqual(codes(checked.problems), ['compressed-extension', 'compressed-image']);
  });
});
