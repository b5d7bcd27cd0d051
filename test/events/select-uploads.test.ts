import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { decodeEventKey, keyCandidates } from '../../src/domain/events/decode-event-key.js';
import { selectUploads, type UploadPolicy } from '../../src/domain/events/select-uploads.js';

const policy: UploadPolicy = { region: 'cn-north-1', statusPrefix: '.image-import/' };

async function fixture(name: string): Promise<unknown> {
  return JSON.parse(await readFile(new URL(`../fixtures/events/${name}`, import.meta.url), 'utf8'));
}

describe('selectUploads', () => {
  it('reads the JD Cloud function OSS trigger (Records[].detail.s3, numeric size and version)', async () => {
    const parsed = selectUploads(await fixture('jdcloud-function-oss-trigger.json'), policy);
    assert.deepEqual(parsed, {
      uploads: [
        {
          index: 0,
          region: 'cn-north-1',
          eventRegion: 'cn-north-1',
          bucket: 'my-images',
          keyCandidates: ['images/centos-7.qcow2'],
          eventName: 'ObjectCreated:Put',
          etag: '9b391b800374bebcd515158e67e07923',
          size: 839376,
          source: 'jdcloud-function',
        },
      ],
      skipped: [],
      invalid: [],
    });
  });

  it('accepts the documented template shape: size and version as strings', () => {
    const event = {
      Records: [
        {
          version: '0',
          region: 'cn-east-2',
          detailType: 'MessageReceived',
          detail: {
            eventName: 'event-type',
            s3: { bucket: { name: 'b' }, object: { key: 'x.vhd', eTag: 'abc', size: '42' } },
          },
        },
        { version: '0', region: 'cn-east-2', detail: { eventName: 's3:ObjectCreated:Copy', s3: { bucket: { name: 'b' }, object: { key: 'x.vhd', size: '42' } } } },
      ],
    };
    const parsed = selectUploads(event, policy);
    assert.equal(parsed.uploads.length, 1);
    assert.equal(parsed.uploads[0]?.size, 42);
    assert.equal(parsed.uploads[0]?.region, 'cn-north-1');
    assert.equal(parsed.uploads[0]?.eventRegion, 'cn-east-2');
    assert.deepEqual(parsed.skipped, [{ index: 0, reason: 'event event-type does not create an object', bucket: 'b', key: 'x.vhd' }]);
  });

  it('reads a Ceph RGW notification: empty awsRegion falls back, raw key kept first', async () => {
    const parsed = selectUploads(await fixture('ceph-rgw-put-notification.json'), policy);
    const upload = parsed.uploads[0];
    assert.equal(upload?.region, 'cn-north-1');
    assert.equal(upload?.bucket, 'images');
    assert.deepEqual(upload?.keyCandidates, ['uploads/Ubuntu 22.04+LTS 测试.qcow2', 'uploads/Ubuntu 22.04 LTS 测试.qcow2']);
    assert.equal(upload?.eventName, 'ObjectCreated:Put');
    assert.equal(upload?.source, 'ceph:s3');
  });

  it('imports in the configured region, and keeps the JD region a record names (not s3rver\'s or AWS\'s defaults) to check', () => {
    const record = (awsRegion: string) => ({ eventName: 'ObjectCreated:Put', awsRegion, s3: { bucket: { name: 'b' }, object: { key: `${awsRegion || 'empty'}.raw` } } });
    const parsed = selectUploads({ Records: [record('us-east-1'), record('cn-east-2'), record('not a region'), record('eu-west-1'), record(''), record('cn-func-2')] }, policy);
    assert.deepEqual(
      parsed.uploads.map((upload) => [upload.region, upload.eventRegion]),
      [
        ['cn-north-1', undefined],
        ['cn-north-1', 'cn-east-2'],
        ['cn-north-1', undefined],
        ['cn-north-1', undefined],
        ['cn-north-1', undefined],
        ['cn-north-1', 'cn-func-2'],
      ],
    );
  });

  it('keeps one record per object version: a repeat is skipped, another ETag or bucket is not', () => {
    const record = (bucket: string, key: string, eTag?: string) => ({ eventName: 'ObjectCreated:Put', s3: { bucket: { name: bucket }, object: { key, ...(eTag !== undefined ? { eTag } : {}) } } });
    const parsed = selectUploads({ Records: [record('b', 'k.raw', 'e1'), record('b', 'k.raw', 'e1'), record('b', 'k.raw', 'e2'), record('c', 'k.raw', 'e1'), record('b', 'k.raw'), record('b', 'k.raw')] }, policy);
    assert.deepEqual(parsed.uploads.map((upload) => upload.index), [0, 2, 3, 4]);
    assert.deepEqual(parsed.skipped, [
      { index: 1, reason: 'the same object as record 0 of this event', bucket: 'b', key: 'k.raw' },
      { index: 5, reason: 'the same object as record 4 of this event', bucket: 'b', key: 'k.raw' },
    ]);
  });

  it('reads an event delivered as JSON text or bytes', () => {
    const event = { Records: [{ eventName: 'ObjectCreated:Put', s3: { bucket: { name: 'b' }, object: { key: 'k.raw' } } }] };
    assert.equal(selectUploads(JSON.stringify(event), policy).uploads.length, 1);
    assert.equal(selectUploads(new TextEncoder().encode(JSON.stringify(event)), policy).uploads.length, 1);
  });

  it('decodes an AWS key first (+ is a space, %2B a plus) and keeps the raw spelling second', async () => {
    const parsed = selectUploads(await fixture('aws-s3-put-encoded-key.json'), policy);
    assert.deepEqual(parsed.uploads[0]?.keyCandidates, ['dir/my file+1 é.qcow2', 'dir/my+file%2B1+%C3%A9.qcow2']);
  });

  it('reads a JD OSS HTTP callback: s3: prefix, no size, multipart ETag', async () => {
    const parsed = selectUploads(await fixture('jdcloud-oss-callback.json'), policy);
    assert.deepEqual(parsed.uploads, [
      {
        index: 0,
        region: 'cn-north-1',
        eventRegion: 'cn-east-2',
        bucket: 'my-images',
        keyCandidates: ['win/windows-2022.vhd'],
        eventName: 'ObjectCreated:CompleteMultipartUpload',
        etag: 'c019643e056d8d687086c1e125f66ad8-3',
        source: 'oss',
      },
    ]);
  });

  it('skips removals, status records and buckets outside the allow-list, with the reason', () => {
    const record = (eventName: string, bucket: string, key: string) => ({ eventName, s3: { bucket: { name: bucket }, object: { key } } });
    const parsed = selectUploads(
      {
        Records: [
          record('ObjectRemoved:Delete', 'images', 'a.qcow2'),
          record('s3:ObjectCreated:Put', 'images', '.image-import/a.qcow2.json'),
          record('ObjectCreated:Put', 'other', 'b.qcow2'),
          record('ObjectCreated:Put', 'images', 'c.qcow2'),
          record('s3:ObjectTagging:Put', 'images', 'c.qcow2'),
        ],
      },
      { ...policy, allowedBuckets: ['images'] },
    );
    assert.deepEqual(
      parsed.uploads.map((upload) => upload.keyCandidates[0]),
      ['c.qcow2'],
    );
    assert.deepEqual(parsed.skipped, [
      { index: 0, reason: 'event ObjectRemoved:Delete does not create an object', bucket: 'images', key: 'a.qcow2' },
      { index: 1, reason: 'key is under the status prefix .image-import/', bucket: 'images', key: '.image-import/a.qcow2.json' },
      { index: 2, reason: 'bucket other is not in the allowed buckets (images)', bucket: 'other', key: 'b.qcow2' },
      { index: 4, reason: 'event ObjectTagging:Put does not create an object', bucket: 'images', key: 'c.qcow2' },
    ]);
  });

  it('skips keys that name no disk image, compressor or archive; keeps the ones a rejection can help', () => {
    const keys = ['site/font.woff2', 'notes.txt', 'folder/', 'README', 'disk.QCOW2', 'disk.img', 'disk.qcow2.gz', 'disk.tar.zst', 'app.ova', 'disk.vhdx', 'disk.vdi', 'setup.iso', 'disk.7z', 'disk.qcow2.lz4'];
    const parsed = selectUploads({ Records: keys.map((key) => ({ eventName: 'ObjectCreated:Put', s3: { bucket: { name: 'images' }, object: { key } } })) }, policy);
    assert.deepEqual(parsed.uploads.map((upload) => upload.keyCandidates[0]), keys.slice(4));
    assert.deepEqual(parsed.skipped, [
      { index: 0, reason: 'key ends in ".woff2": not a disk image, nor compressed or packaged', bucket: 'images', key: 'site/font.woff2' },
      { index: 1, reason: 'key ends in ".txt": not a disk image, nor compressed or packaged', bucket: 'images', key: 'notes.txt' },
      { index: 2, reason: 'key has no extension: not a disk image, nor compressed or packaged', bucket: 'images', key: 'folder/' },
      { index: 3, reason: 'key has no extension: not a disk image, nor compressed or packaged', bucket: 'images', key: 'README' },
    ]);
  });

  it('reports malformed records by index and path, and still returns the good ones', () => {
    const parsed = selectUploads(
      {
        Records: [
          { eventName: 'ObjectCreated:Put', s3: { bucket: { name: 'images' }, object: {} } },
          'garbage',
          { eventName: 'ObjectCreated:Put', s3: { bucket: { name: 'images' }, object: { key: 'ok.raw' } } },
          { detail: { eventName: 's3:ObjectCreated:Put', s3: { bucket: {}, object: { key: 'x.vhd' } } } },
        ],
      },
      policy,
    );
    assert.deepEqual(parsed.uploads.map((upload) => upload.keyCandidates[0]), ['ok.raw']);
    assert.deepEqual(parsed.invalid, [
      { index: 0, issues: ['record 0: s3.object.key: Invalid input: expected string, received undefined'] },
      { index: 1, issues: ['record 1: (record): Invalid input: expected object, received string'] },
      { index: 3, issues: ['record 3: detail.s3.bucket.name: Invalid input: expected string, received undefined'] },
    ]);
  });

  it('treats garbage, an empty event and S3 test events without throwing', () => {
    assert.deepEqual(selectUploads('not json', policy).invalid, [{ index: -1, issues: ['event: expected an object with a "Records" array'] }]);
    assert.deepEqual(selectUploads({ Records: [] }, policy), { uploads: [], skipped: [], invalid: [] });
    assert.deepEqual(selectUploads({ Service: 'Amazon S3', Event: 's3:TestEvent', Bucket: 'images' }, policy).skipped, [
      { index: -1, reason: 's3:TestEvent is not an upload' },
    ]);
  });

  it('never throws on arbitrary input', () => {
    fc.assert(
      fc.property(fc.anything(), (value) => {
        selectUploads(value, policy);
        selectUploads({ Records: [value] }, policy);
      }),
    );
  });
});

describe('decodeEventKey', () => {
  it('decodes form encoding', () => {
    assert.equal(decodeEventKey('This+is+a+picture.jpg'), 'This is a picture.jpg');
    assert.equal(decodeEventKey('a%2Bb.qcow2'), 'a+b.qcow2');
    assert.equal(decodeEventKey('%E6%B5%8B%E8%AF%95.vhd'), '测试.vhd');
  });

  it('returns undefined for text that is not valid encoding, so the raw key is used', () => {
    assert.equal(decodeEventKey('100%.raw'), undefined);
    assert.deepEqual(keyCandidates('100%.raw', 'encoded'), ['100%.raw']);
  });

  it('offers one candidate when decoding changes nothing', () => {
    assert.deepEqual(keyCandidates('images/ubuntu.qcow2', 'unknown'), ['images/ubuntu.qcow2']);
  });
});
