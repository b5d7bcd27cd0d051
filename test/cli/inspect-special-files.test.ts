// `inspect` of something that is not a regular file answers at once instead of waiting on it.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { constants } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli } from '../../src/edges/cli/main.js';
import { captureIo } from '../../harness/capture-io.js';

/** Fails instead of hanging the suite when the command waits for ever. */
async function withinSeconds<T>(seconds: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${seconds} s`)), seconds * 1000);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

describe('oss-image-import inspect of a file that is not a regular file', () => {
  it('refuses a FIFO at once (exit 1) without waiting for a writer', async (t) => {
    const directory = await mkdtemp(join(tmpdir(), 'oss-image-import-fifo-'));
    const fifo = join(directory, 'disk.qcow2');
    execFileSync('mkfifo', [fifo]);
    t.after(async () => {
      // A reader blocked in open() is released by a writer; then the folder can go.
      await open(fifo, constants.O_WRONLY | constants.O_NONBLOCK).then((writer) => writer.close(), () => undefined);
      await rm(directory, { recursive: true, force: true });
    });
    const { io, captured } = captureIo({});
    assert.equal(await withinSeconds(10, runCli(['inspect', fifo], io)), 1);
    assert.equal(captured.err, `${fifo} is not a regular file; pass a disk image file or s3://bucket/key.\n`);
    assert.equal(captured.out, '');
  });

  it('refuses a character device such as /dev/zero (exit 1)', async () => {
    const { io, captured } = captureIo({});
    assert.equal(await withinSeconds(10, runCli(['inspect', '/dev/zero', '--json'], io)), 1);
    assert.deepEqual(JSON.parse(captured.out), {
      error: { name: 'ImageReadError', message: '/dev/zero is not a regular file; pass a disk image file or s3://bucket/key.' },
    });
  });
});
