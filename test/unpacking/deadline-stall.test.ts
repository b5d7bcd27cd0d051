// The deadline while no byte flows (review of issue 14): a stalled GetObject body or UploadPart
// used to run until fc killed the function, leaving the multipart upload in progress. The store
// here is s3rver behind a real loopback proxy that stalls one kind of call; the function's clock
// is injected and jumps past the deadline only once every byte before the stall was written to
// the sink (so the sink's own clock check, made on each write, cannot be what stops it), and no
// test waits for real minutes. A plain .tar: no decoder buffers bytes between the GET and the sink.
import assert from 'node:assert/strict';
import { randomFillSync } from 'node:crypto';
import { createServer, type IncomingMessage, request, type Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { createOssClient } from '../../src/adapters/oss/index.js';
import { localOssCredentials } from '../../src/edges/local/index.js';
import { createPipelineDeps, handleEvent } from '../../src/use-cases/importing/index.js';
import { listenHttp, silentLogger } from '../../src/kernel/index.js';
import type { DevStack } from '../../src/edges/local/dev-stack.js';
import { stackEnv } from '../../harness/capture-io.js';
import { makeDiskImage } from '../../harness/disk-images.js';
import { startTestStack, upload } from '../../harness/local-stack.js';
import { packFiles } from '../../harness/packed-images.js';
import { objectBytes, statusRecordOf, uploadsInProgress } from '../../harness/unpack-checks.js';
import { ossTriggerEvent } from '../../harness/upload-event.js';

const MiB = 2 ** 20;

/** Which call the proxy stalls: a whole-object GET's body after `afterBytes`, or every UploadPart (never answered; `stalled` once `parts` are held). */
type Stall = { call: 'GetObject'; afterBytes: number } | { call: 'UploadPart'; parts: number };

/** A loopback HTTP proxy to the stack's s3rver that stalls one kind of call; `stalled` resolves when it does. */
async function stallingProxy(target: string, stall: Stall): Promise<{ endpoint: string; stalled: Promise<void>; close(): Promise<void> }> {
  const upstream = new URL(target);
  let onStall = () => {};
  const stalled = new Promise<void>((resolve) => {
    onStall = resolve;
  });
  let heldParts = 0;
  const server: Server = createServer((incoming, answer) => {
    const url = new URL(incoming.url ?? '/', 'http://proxy');
    if (stall.call === 'UploadPart' && incoming.method === 'PUT' && url.searchParams.has('partNumber')) {
      incoming.resume();
      incoming.on('end', () => {
        heldParts += 1;
        if (heldParts === stall.parts) onStall();
      });
      return;
    }
    const stallsBody = stall.call === 'GetObject' && incoming.method === 'GET' && incoming.headers.range === undefined && !url.search.includes('tagging');
    const forwarded = request({ host: upstream.hostname, port: upstream.port, method: incoming.method, path: incoming.url, headers: incoming.headers }, (response: IncomingMessage) => {
      answer.writeHead(response.statusCode ?? 502, response.headers);
      if (!stallsBody || response.statusCode !== 200) {
        response.pipe(answer);
        return;
      }
      let sent = 0;
      response.on('data', (chunk: Buffer) => {
        if (sent >= stall.afterBytes) return;
        const take = chunk.subarray(0, stall.afterBytes - sent);
        sent += take.length;
        answer.write(take);
        if (sent >= stall.afterBytes) response.pause();
      });
    });
    incoming.pipe(forwarded);
  });
  const { port } = await listenHttp(server, { port: 0, host: '127.0.0.1' });
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stalled,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The body as it is read; `asked` runs when the reader asks for more after `bytes` were read (it has used them all). */
async function* askedPast(body: AsyncIterable<Uint8Array>, bytes: number, asked: () => void): AsyncIterable<Uint8Array> {
  let read = 0;
  for await (const chunk of body) {
    read += chunk.length;
    yield chunk;
    if (read >= bytes) asked();
  }
}

describe('the unpack deadline while no byte flows', () => {
  let stack: DevStack;
  // A 12 MiB raw image in a plain tar: a stall 10 MiB into its body comes after the first 8 MiB part went out.
  const image = makeDiskImage('raw', '12M');
  randomFillSync(image, 0, MiB);
  const packed = packFiles('tar', [{ name: 'stall.raw', bytes: image }]);

  before(async () => {
    stack = await startTestStack({ autoImport: false });
  });
  after(async () => stack.stop());

  /**
   * The function's pipeline (fc's 900 s) through the proxy, with parts of 8 MiB, on a clock that
   * jumps 900 s once the stall is complete: for a GET, when the reader asks for the bytes after
   * `afterBytes` (everything before them is in the sink by then).
   */
  async function runStalled(key: string, stall: Stall, t: { after(fn: () => Promise<void>): void }) {
    await upload(stack, key, packed, { metadata: { platform: 'Ubuntu' } });
    const proxy = await stallingProxy(stack.ossEndpoint, stall);
    const deps = createPipelineDeps({ ...stackEnv(stack), OSS_ENDPOINT: proxy.endpoint, IMAGE_UNPACK_MAX_BYTES: String(64 * MiB) }, { logger: silentLogger(), unpackTimeLimitSeconds: 900 });
    t.after(async () => {
      await deps.close();
      await proxy.close();
    });
    let lateMs = 0;
    const late = () => {
      lateMs = 900_000;
    };
    if (stall.call === 'UploadPart') void proxy.stalled.then(late);
    else {
      deps.s3.middlewareStack.add(
        (next, context) => async (args) => {
          const result = await next(args);
          const input = args.input as { Range?: string };
          const output = result.output as { Body?: AsyncIterable<Uint8Array> };
          if (context.commandName === 'GetObjectCommand' && input.Range === undefined && output.Body !== undefined) output.Body = askedPast(output.Body, stall.afterBytes, late);
          return result;
        },
        { step: 'initialize', name: 'testWatchGetBody' },
      );
    }
    return handleEvent(await ossTriggerEvent(stack, key), { ...deps, now: () => new Date(Date.now() + lateMs) });
  }

  async function assertRejectedInTime(key: string, summary: Awaited<ReturnType<typeof handleEvent>>, unpackedBytes: RegExp) {
    assert.deepEqual(
      { submitted: summary.submitted, rejected: summary.rejected, failed: summary.failed, transientFailures: summary.transientFailures },
      { submitted: 0, rejected: 1, failed: 0, transientFailures: 0 },
      JSON.stringify(summary.outcomes),
    );
    const record = await statusRecordOf(stack.s3, stack.bucket, key);
    const problems = record?.['problems'] as Array<{ code: string; field: string; value: string; message: string }> | undefined;
    assert.equal(record?.['state'], 'rejected');
    assert.deepEqual(problems?.map(({ code, field, value }) => ({ code, field, value })), [{ code: 'unpack-too-slow-for-function', field: 'content', value: `s3://images/${key}` }]);
    const uri = `s3://images/${key}`;
    const message = problems?.[0]?.message ?? '';
    assert.match(message, new RegExp(`^Unpacking ran out of the function's time after ${unpackedBytes.source} of the image \\(fc stops a function after at most 900 s\\)\\. `));
    assert.ok(message.endsWith(`Unpack and import it with the CLI, which has no time limit: oss-image-import import ${uri} — or run oss-image-import serve next to the bucket. Or upload the image uncompressed.`), message);
    const prefix = key.slice(0, key.indexOf('/') + 1);
    assert.deepEqual(await uploadsInProgress(stack.s3, stack.bucket, prefix), []);
    assert.equal(await objectBytes(stack.s3, stack.bucket, key.replace(/\.tar$/, '.raw')), undefined);
    assert.equal(stack.emulator.counters.imagesCreated, 0);
  }

  it('a GetObject body that stops mid-stream: the deadline aborts it, the multipart upload is aborted, the record says why', { timeout: 60_000 }, async (t) => {
    const key = 'stall-get/stall.tar';
    const summary = await runStalled(key, { call: 'GetObject', afterBytes: 10 * MiB }, t);
    // 10 MiB of the tar less its 512-byte header.
    await assertRejectedInTime(key, summary, /10485248 bytes \(10 MiB\)/);
  });

  it('an UploadPart the store never answers: the deadline aborts it and the upload, the record says why', { timeout: 60_000 }, async (t) => {
    const key = 'stall-part/stall.tar';
    // Both parts (8 and 4 MiB) held: the whole image is in the sink, waiting for the store.
    const summary = await runStalled(key, { call: 'UploadPart', parts: 2 }, t);
    await assertRejectedInTime(key, summary, /12582912 bytes \(12 MiB\)/);
  });

  it('without a deadline (the CLI, serve), a stalled GetObject body fails after the client\'s silence limit: failed and retryable, the upload aborted', { timeout: 60_000 }, async (t) => {
    const key = 'stall-cli/stall.tar';
    await upload(stack, key, packed, { metadata: { platform: 'Ubuntu' } });
    const proxy = await stallingProxy(stack.ossEndpoint, { call: 'GetObject', afterBytes: 10 * MiB });
    // The deployed limit is ossSocketTimeoutMs (2 minutes); a test cannot wait that long.
    const s3 = createOssClient({ region: 'cn-north-1', endpoint: proxy.endpoint, credentials: localOssCredentials, socketTimeoutMs: 300 });
    const deps = createPipelineDeps({ ...stackEnv(stack), IMAGE_UNPACK_MAX_BYTES: String(64 * MiB) }, { logger: silentLogger() });
    t.after(async () => {
      s3.destroy();
      await deps.close();
      await proxy.close();
    });
    const summary = await handleEvent(await ossTriggerEvent(stack, key), { ...deps, s3 });

    assert.deepEqual(
      summary.outcomes.map(({ durationMs: _durationMs, ...outcome }) => outcome),
      [
        {
          outcome: 'failed',
          key,
          // The SDK's words (its message ends in a period, to which ObjectStoreError adds one).
          error: `GetObject (stream) s3://images/${key} failed: @smithy/node-http-handler - the request socket timed out after 300 ms of inactivity (configured by client requestHandler)..`,
          retryable: true,
          bucket: 'images',
          region: 'cn-north-1',
        },
      ],
    );
    assert.equal((await statusRecordOf(stack.s3, stack.bucket, key))?.['state'], 'failed');
    assert.deepEqual(await uploadsInProgress(stack.s3, stack.bucket, 'stall-cli/'), []);
    assert.equal(await objectBytes(stack.s3, stack.bucket, 'stall-cli/stall.raw'), undefined);
  });
});
