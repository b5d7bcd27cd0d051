// The time estimate of a packed upload on the local stack (s3rver, the VM API emulator): the
// unpacked size an xz index gives (one ranged GET when the index is past the bytes already
// read), zstd's first frame and gzip's ISIZE as lower bounds, and a sparse disk refused up front.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../../src/edges/cli/main.js';
import { createPipelineDeps, processUpload } from '../../src/use-cases/importing/index.js';
import { silentLogger } from '../../src/kernel/index.js';
import type { DevStack } from '../../src/edges/local/dev-stack.js';
import { captureIo, stackEnv } from '../../harness/capture-io.js';
import { makeDiskImage } from '../../harness/disk-images.js';
import { startTestStack, upload } from '../../harness/local-stack.js';
import { packFiles } from '../../harness/packed-images.js';
import { objectBytes } from '../../harness/unpack-checks.js';

interface PlanJson {
  unpack: { unpackedSizeBytes?: number; estimatedSeconds: number };
  problems: Array<{ code: string; message: string }>;
}

describe('the time estimate of a packed upload', () => {
  let stack: DevStack;
  let env: NodeJS.ProcessEnv;
  const metadata = { platform: 'Ubuntu', architecture: 'x86_64' };
  const qcow2 = makeDiskImage('qcow2', '1G');

  before(async () => {
    stack = await startTestStack({ autoImport: false });
    env = stackEnv(stack);
  });
  after(async () => stack.stop());

  async function planJson(key: string): Promise<PlanJson> {
    const { io, captured } = captureIo(env);
    await runCli(['plan', `s3://images/${key}`, '--json'], io);
    return JSON.parse(captured.out) as PlanJson;
  }

  it('takes an .xz image\'s size from its index, reading footer and index by range when they are past the last bytes read', async () => {
    // A block per 512 bytes: an index of hundreds of records, longer than the 1536 bytes the plan step reads of the end.
    const packed = execFileSync('xz', ['-c', '-T1', '--block-size=512'], { input: qcow2, maxBuffer: 64 * 2 ** 20 });
    await upload(stack, 'estimate/blocks.qcow2.xz', packed, { metadata });
    const plan = await planJson('estimate/blocks.qcow2.xz');
    assert.deepEqual(plan.problems, []);
    assert.equal(plan.unpack.unpackedSizeBytes, qcow2.length);
  });

  it('does not call the first zstd frame\'s size the unpacked size: more frames may follow', async () => {
    // Two frames, as `cat a.zst b.zst` or pzstd make: the first frame's header names only its own part.
    const tail = Buffer.alloc(3 * 2 ** 20, 7);
    // From files, so each frame header carries its content size (zstd leaves it out for a pipe).
    const frames = Buffer.concat([packFiles('zstd', [{ name: 'disk.qcow2', bytes: qcow2 }]), packFiles('zstd', [{ name: 'rest', bytes: tail }])]);
    await upload(stack, 'estimate/frames.qcow2.zst', frames, { metadata });
    const plan = await planJson('estimate/frames.qcow2.zst');
    assert.deepEqual(plan.problems, []);
    assert.equal(plan.unpack.unpackedSizeBytes, undefined);
  });

  it('in the function, a sparse disk whose gzip ISIZE is far above 3× its size is refused before unpacking, naming the CLI', async () => {
    const sparse = makeDiskImage('raw', '128M');
    const packed = packFiles('gzip', [{ name: 'sparse.raw', bytes: sparse }]);
    assert.ok(packed.length * 3 < 2 ** 20, 'a few hundred KiB: 3× of it fits the 1 s budget');
    await upload(stack, 'estimate/sparse.raw.gz', packed, { metadata });
    // 61 s leaves 1 s for unpacking once the 60 s import margin is taken.
    const deps = createPipelineDeps(env, { logger: silentLogger(), unpackTimeLimitSeconds: 61 });
    try {
      const outcome = await processUpload({ region: 'cn-north-1', bucket: 'images', keyCandidates: ['estimate/sparse.raw.gz'], eventName: 'ObjectCreated:Put', source: 'test' }, deps);
      assert.equal(outcome.outcome, 'rejected');
      assert.deepEqual(outcome.outcome === 'rejected' ? outcome.problems.map((problem) => problem.message) : [], [
        "Unpacking this gzip-compressed file (at least 134217728 bytes (128 MiB) unpacked, from gzip's size trailer (ISIZE, the size modulo 4 GiB)) would take about 4 s at 60 MB/s, more than the 1 s the function has for it (fc stops a function after at most 900 s). Unpack and import it with the CLI, which has no time limit: oss-image-import import s3://images/estimate/sparse.raw.gz — or run oss-image-import serve next to the bucket. Or upload the image uncompressed.",
      ]);
    } finally {
      await deps.close();
    }
    assert.equal(await objectBytes(stack.s3, 'images', 'estimate/sparse.raw'), undefined);
  });
});
