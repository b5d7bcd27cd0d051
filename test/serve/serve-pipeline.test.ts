// `serve` with the real pipeline on the local stack: what a hostile or drifted sender does to it.
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import type { DevStack } from '../../src/edges/local/dev-stack.js';
import { pipelineImportsNothing, pipelineNotificationHandler, startNotificationServer } from '../../src/edges/serve/index.js';
import { makeDiskImage } from '../../harness/disk-images.js';
import { startTestStack, upload } from '../../harness/local-stack.js';

const token = 'serve-pipeline-token-0123456789';

/** POSTs a body, in 1 MiB chunks when it is a Buffer list; resolves with status and body. */
function postEvents(url: string, body: string | Buffer[]): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const chunked = Array.isArray(body);
    const headers = { authorization: `Bearer ${token}`, ...(chunked ? { 'transfer-encoding': 'chunked' } : {}) };
    const req = httpRequest(url, { method: 'POST', headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    if (chunked) for (const chunk of body) req.write(chunk);
    req.end(chunked ? undefined : body);
  });
}

function s3Notification(bucket: string, key: string): string {
  return JSON.stringify({ Records: [{ eventSource: 'ceph:s3', eventName: 'ObjectCreated:Put', s3: { bucket: { name: bucket }, object: { key } } }] });
}

describe('serve with the pipeline', () => {
  let stack: DevStack;

  before(async () => {
    stack = await startTestStack({ autoImport: false });
    await upload(stack, 'serve/ubuntu.qcow2', makeDiskImage('qcow2', '1G'), { metadata: { platform: 'Ubuntu' } });
  });
  after(() => stack.stop());

  it('writes the status record of an import in flight while a 17 MiB chunked body is refused with 413', async () => {
    let reachPipeline: () => void = () => undefined;
    const reached = new Promise<void>((resolve) => (reachPipeline = resolve));
    let openGate: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (openGate = resolve));
    const pipeline = pipelineNotificationHandler(stack.deps);
    const server = await startNotificationServer({
      token,
      importsNothing: pipelineImportsNothing(stack.deps.config),
      // Holds the import at the pipeline's door until the oversized body has been answered.
      handleNotification: async (event) => {
        reachPipeline();
        await gate;
        return pipeline(event);
      },
    });
    try {
      const inFlight = postEvents(server.notificationUrl, s3Notification(stack.bucket, 'serve/ubuntu.qcow2'));
      await reached;
      const huge = await postEvents(server.notificationUrl, Array.from({ length: 17 }, () => Buffer.alloc(1024 * 1024, 0x20)));
      assert.equal(huge.status, 413);
      openGate();
      const answered = await inFlight;
      assert.equal(answered.status, 200, answered.body);
      const stored = await stack.s3.send(new GetObjectCommand({ Bucket: stack.bucket, Key: '.image-import/serve/ubuntu.qcow2.json' }));
      const record = JSON.parse(await stored.Body!.transformToString()) as { state: string; imageId?: string };
      assert.equal(record.state, 'submitted');
      assert.equal(stack.emulator.counters.imagesCreated, 1);
    } finally {
      openGate();
      await server.stop();
    }
  });

  it('answers 400 when no record of a notification is an upload record, and 200 when one is', async () => {
    const server = await startNotificationServer({ token, handleNotification: pipelineNotificationHandler(stack.deps) });
    try {
      const drifted = await postEvents(server.notificationUrl, JSON.stringify({ Records: [{ foo: 1 }, { bucket: 'images', key: 'a.qcow2' }] }));
      assert.equal(drifted.status, 400);
      const { error } = JSON.parse(drifted.body) as { error: string };
      assert.match(error, /^None of the 2 records is an upload record \(S3, Ceph RGW, MinIO or JD Cloud shape\): record 0: .+; record 1: .+\.$/);
      const mixed = await postEvents(
        server.notificationUrl,
        JSON.stringify({ Records: [{ foo: 1 }, ...(JSON.parse(s3Notification(stack.bucket, 'serve/ubuntu.qcow2')) as { Records: unknown[] }).Records] }),
      );
      assert.equal(mixed.status, 200, mixed.body);
    } finally {
      await server.stop();
    }
  });

  it('answers 200 for a key that names no disk image, skipping it without a status record', async () => {
    await upload(stack, 'serve/site/font.woff2', new Uint8Array(64));
    const server = await startNotificationServer({ token, importsNothing: pipelineImportsNothing(stack.deps.config), handleNotification: pipelineNotificationHandler(stack.deps) });
    try {
      const answered = await postEvents(server.notificationUrl, s3Notification(stack.bucket, 'serve/site/font.woff2'));
      assert.equal(answered.status, 200, answered.body);
      const { outcome } = JSON.parse(answered.body) as { outcome: { summary: { records: number; skipped: unknown[]; outcomes: unknown[] } } };
      assert.deepEqual(
        { records: outcome.summary.records, skipped: outcome.summary.skipped, outcomes: outcome.summary.outcomes },
        { records: 1, skipped: [{ index: 0, reason: 'key ends in ".woff2": not a disk image, nor compressed or packaged', bucket: stack.bucket, key: 'serve/site/font.woff2' }], outcomes: [] },
      );
      await assert.rejects(stack.s3.send(new GetObjectCommand({ Bucket: stack.bucket, Key: '.image-import/serve/site/font.woff2.json' })), { name: 'NoSuchKey' });
    } finally {
      await server.stop();
    }
  });
});
