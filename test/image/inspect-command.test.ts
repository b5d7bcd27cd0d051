// `oss-image-import inspect`, run through the real dispatcher with a capturing CliIo: local
// files (head and tail ranges only) and s3:// objects on the local OSS.
import assert from 'node:assert/strict';
import { mkdir, readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../../src/edges/cli/main.js';
import type { DevStack } from '../../src/edges/local/dev-stack.js';
import { captureIo, stackEnv } from '../../harness/capture-io.js';
import { startTestStack, upload } from '../../harness/local-stack.js';
import { makeTestImages, requireTools, type TestImages } from './test-images.js';

describe('oss-image-import inspect', () => {
  let images: TestImages;
  before(async () => {
    await requireTools(['qemu-img', 'sfdisk']);
    images = await makeTestImages(['v3.qcow2', 'overlay.qcow2', 'mbr.raw']);
  });
  after(() => images?.remove());

  it('prints format, virtual size, derived system disk size and details; exit 0 when importable', async () => {
    const { io, captured } = captureIo({});
    assert.equal(await runCli(['inspect', images.path('v3.qcow2')], io), 0);
    assert.equal(
      captured.out,
      [
        `source:        ${images.path('v3.qcow2')} (196616 bytes (192.01 KiB); 67072 bytes read)`,
        'format:        qcow2 — qcow2 v3, 64 KiB clusters, virtual size 64 MiB',
        'disk format:   qcow2',
        'virtual size:  67108864 bytes (64 MiB)',
        'system disk:   40 GB (derived when system-disk-size-gb is not set)',
        'details:',
        '  version: 3',
        '  clusterBits: 16',
        '  clusterSizeBytes: 65536',
        '  encryption: none',
        '  snapshots: 0',
        '  headerExtensions: ["feature name table"]',
        '  incompatibleFeatures: []',
        '  compatibleFeatures: []',
        '  autoclearFeatures: []',
        'importable:    yes',
        '',
      ].join('\n'),
    );
    assert.equal(captured.err, '');
  });

  it('--json prints exactly one JSON document', async () => {
    const { io, captured } = captureIo({});
    assert.equal(await runCli(['inspect', images.path('mbr.raw'), '--json'], io), 0);
    const report = JSON.parse(captured.out) as Record<string, unknown>;
    assert.deepEqual(
      { ...report, details: undefined },
      {
        source: images.path('mbr.raw'),
        sizeBytes: 67108864,
        bytesRead: 67072,
        format: 'raw',
        diskFormat: 'raw',
        virtualSizeBytes: 67108864,
        systemDiskSizeGB: 40,
        details: undefined,
        importable: true,
        problems: [],
      },
    );
  });

  it('exit 3 with every problem when the image cannot be imported', async () => {
    const renamed = await images.copyAs('overlay.qcow2', 'overlay.raw');
    const { io, captured } = captureIo({});
    assert.equal(await runCli(['inspect', renamed], io), 3);
    assert.match(
      captured.out,
      /\nimportable: {4}no — 2 problems:\n {2}- \[format-mismatch\] The key "overlay\.raw" claims raw \(extension "\.raw"\), but the content is qcow2 .*\n {2}- \[qcow2-backing-file\] The qcow2 image has a backing file "v3\.qcow2": .*\n$/,
    );
    const json = captureIo({});
    assert.equal(await runCli(['inspect', '--json', renamed], json.io), 3);
    const report = JSON.parse(json.captured.out) as { importable: boolean; problems: Array<{ code: string }> };
    assert.equal(report.importable, false);
    assert.deepEqual(report.problems.map((problem) => problem.code), ['format-mismatch', 'qcow2-backing-file']);
  });

  it('exit 1 when the file cannot be read', async () => {
    const missing = captureIo({});
    assert.equal(await runCli(['inspect', images.path('no-such.qcow2')], missing.io), 1);
    assert.equal(missing.captured.err, `Cannot open ${images.path('no-such.qcow2')}: no such file (ENOENT).\n`);
    assert.equal(missing.captured.out, '');
    await mkdir(images.path('a-directory.qcow2'));
    const directory = captureIo({});
    assert.equal(await runCli(['inspect', images.path('a-directory.qcow2')], directory.io), 1);
    assert.equal(directory.captured.err, `${images.path('a-directory.qcow2')} is not a regular file; pass a disk image file or s3://bucket/key.\n`);
  });

  it('exit 2 on a usage error', async () => {
    const none = captureIo({});
    assert.equal(await runCli(['inspect'], none.io), 2);
    assert.equal(none.captured.err, 'Expected 1 argument, got 0.\nUsage: oss-image-import inspect <file|s3://bucket/key> [--region R] [--json]\n');
    const bucketOnly = captureIo({});
    assert.equal(await runCli(['inspect', 's3://images/'], bucketOnly.io), 2);
    assert.match(bucketOnly.captured.err, /^"s3:\/\/images\/" names no object: use s3:\/\/bucket\/key\.\n/);
  });

  describe('s3:// objects on the local OSS', () => {
    let stack: DevStack;
    before(async () => {
      stack = await startTestStack({ autoImport: false });
      await upload(stack, 'inspect/系统 盘+v1.qcow2', await readFile(images.path('v3.qcow2')));
      await upload(stack, 'inspect/overlay.qcow2', await readFile(images.path('overlay.qcow2')));
    });
    after(() => stack?.stop());

    it('reads head and tail with range requests and reports like a local file', async () => {
      const { io, captured } = captureIo(stackEnv(stack));
      assert.equal(await runCli(['inspect', 's3://images/inspect/系统 盘+v1.qcow2', '--json'], io), 0);
      const report = JSON.parse(captured.out) as Record<string, unknown>;
      assert.equal(report['format'], 'qcow2');
      assert.equal(report['virtualSizeBytes'], 67108864);
      assert.equal(report['sizeBytes'], 196616);
      assert.ok(Number(report['bytesRead']) <= 65536 + 1536 + 1, `read ${String(report['bytesRead'])}`);
    });

    it('exit 3 for an unsafe object, exit 1 for a missing one', async () => {
      const unsafe = captureIo(stackEnv(stack));
      assert.equal(await runCli(['inspect', 's3://images/inspect/overlay.qcow2'], unsafe.io), 3);
      assert.match(unsafe.captured.out, /\[qcow2-backing-file\]/);
      const missing = captureIo(stackEnv(stack));
      assert.equal(await runCli(['inspect', 's3://images/inspect/missing.qcow2'], missing.io), 1);
      assert.equal(missing.captured.err, 's3://images/inspect/missing.qcow2 does not exist.\n');
    });

    it('exit 1 without credentials, naming the variables', async () => {
      const { io, captured } = captureIo({ OSS_ENDPOINT: stack.ossEndpoint });
      assert.equal(await runCli(['inspect', 's3://images/inspect/overlay.qcow2'], io), 1);
      assert.match(captured.err, /JDCLOUD_ACCESS_KEY_ID/);
    });
  });
});
