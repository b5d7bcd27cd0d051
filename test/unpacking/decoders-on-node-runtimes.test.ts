// The decoders as the function ships them: unpacking.js, the second file of the importImage zip
// `serverless package` builds for each Node major (CommonJS, no native addon), decodes every codec
// on that major's runtime (Node 16 through 24 in CI: harness/node-binaries.ts). zstd takes
// node:zlib where the runtime has it, fzstd elsewhere; xz is WASM. And each decoder's memory stays
// flat under a decompression bomb: 256 MiB of zeros (what a raw disk's free space is) packed by
// the real tools into a few KiB, decoded in a child process that samples its RSS after every chunk.
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { nodeBinaries } from '../../harness/node-binaries.js';
import { packedCases } from '../../harness/packed-cases.js';
import { packageRuntimeMatrix } from '../plugins/runtime-matrix.js';

const runtimes = nodeBinaries();

// Decodes each file with the shipped lazy file's decoders and prints what came out: codec, decoder, sha256.
const runner = `
const { createReadStream } = require('node:fs');
const { createHash } = require('node:crypto');
const { decode, decoderName } = require(process.argv[2]);
(async () => {
  const results = [];
  for (const [codec, path] of JSON.parse(process.argv[3])) {
    const hash = createHash('sha256');
    for await (const chunk of decode(codec, createReadStream(path))) hash.update(chunk);
    results.push({ codec, decoder: decoderName(codec), sha256: hash.digest('hex') });
  }
  console.log(JSON.stringify({ node: process.version, results }));
})().catch((error) => { console.error(error); process.exit(1); });
`;

// Decodes each bomb, keeping nothing, and prints how far RSS rose above where it was before.
const bombRunner = `
const { createReadStream } = require('node:fs');
const { decode, decoderName } = require(process.argv[2]);
(async () => {
  const results = [];
  for (const [codec, path] of JSON.parse(process.argv[3])) {
    const before = process.memoryUsage.rss();
    let peak = before;
    let bytes = 0;
    for await (const chunk of decode(codec, createReadStream(path))) {
      bytes += chunk.length;
      peak = Math.max(peak, process.memoryUsage.rss());
    }
    results.push({ codec, decoder: decoderName(codec), bytes, peakGrowthMiB: Math.round((peak - before) / 2 ** 20) });
  }
  console.log(JSON.stringify({ node: process.version, results }));
})().catch((error) => { console.error(error); process.exit(1); });
`;

const bombBytes = 256 * 2 ** 20;
/**
 * Above what any decoder needs (the largest: a bzip2 block's output, at most 46 MiB, and
 * xz's 64 MiB dictionary, plus garbage a busy machine's GC has not yet collected: 160 MiB was
 * seen to rise to 164 under load), below what a decoder that holds the output would: 256 MiB and
 * more (fzstd fed whole chunks: 228; unbzip2-stream's own stream: up to 1023).
 */
const flatMiB = 200;
const bombCommands: Array<[string, string]> = [
  ['gzip', 'gzip -1'],
  ['xz', 'xz -0 -T1'],
  ['zstd', 'zstd -3 -q'],
  ['bzip2', 'bzip2 -9'],
];

function run(binary: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(binary, args, { timeout: 120_000 }, (error, stdout, stderr) => resolve({ code: error === null ? 0 : 1, stdout, stderr }));
  });
}

describe('the decoders of the shipped unpacking.js on each Node runtime', () => {
  let work: string;
  const cases = packedCases().slice(0, 4);
  const codecs = ['gzip', 'xz', 'zstd', 'bzip2'];
  const files: Array<[string, string]> = [];
  const bombs: Array<[string, string]> = [];

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'oss-image-import-decoders-'));
    const zips = await packageRuntimeMatrix(work, runtimes.map((runtime) => runtime.major));
    for (const [major, names] of zips) assert.ok(names.includes('unpacking.js'), `nodejs${major}: ${names.join(', ')}`);
    await writeFile(join(work, 'runner.cjs'), runner);
    for (const [index, packed] of cases.entries()) {
      const path = join(work, packed.name);
      await writeFile(path, packed.packed);
      files.push([codecs[index] ?? '', path]);
    }
    for (const [codec, command] of bombCommands) {
      const path = join(work, `bomb.${codec}`);
      execFileSync('sh', ['-c', `head -c ${bombBytes} /dev/zero | ${command} > "$1"`, 'sh', path]);
      bombs.push([codec, path]);
    }
  });
  after(async () => rm(work, { recursive: true, force: true }));

  for (const { binary, major: runtimeMajor } of runtimes) {
    it(`unpacking.js of the nodejs${runtimeMajor} zip decodes gzip, xz, zstd and bzip2 byte for byte with ${binary === process.execPath ? `this node (${process.version})` : binary}`, async () => {
      const result = await run(binary, [join(work, 'runner.cjs'), join(work, `node${runtimeMajor}`, 'unpacking.js'), JSON.stringify(files)]);
      assert.equal(result.code, 0, result.stderr);
      const printed = JSON.parse(result.stdout) as { node: string; results: Array<{ codec: string; decoder: string; sha256: string }> };
      const major = Number(/^v(\d+)\./.exec(printed.node)?.[1]);
      // zlib has zstd from Node 22.15 and 23.8: the runtimes at hand are those or older than 22.
      const zstdDecoder = major >= 23 || (major === 22 && Number(printed.node.split('.')[1]) >= 15) ? 'node:zlib' : 'fzstd';
      assert.deepEqual(
        printed.results,
        cases.map((packed, index) => ({
          codec: codecs[index],
          decoder: ['node:zlib', 'xz-decompress', zstdDecoder, 'unbzip2-stream'][index],
          sha256: createHash('sha256').update(packed.image).digest('hex'),
        })),
      );
    });

    it(`unpacking.js of the nodejs${runtimeMajor} zip stays under ${flatMiB} MiB decoding 256 MiB of zeros from each codec`, async () => {
      await writeFile(join(work, 'bomb-runner.cjs'), bombRunner);
      const result = await run(binary, [join(work, 'bomb-runner.cjs'), join(work, `node${runtimeMajor}`, 'unpacking.js'), JSON.stringify(bombs)]);
      assert.equal(result.code, 0, result.stderr);
      const printed = JSON.parse(result.stdout) as { results: Array<{ codec: string; decoder: string; bytes: number; peakGrowthMiB: number }> };
      for (const decoded of printed.results) {
        assert.equal(decoded.bytes, bombBytes, `${decoded.codec} (${decoded.decoder})`);
        assert.ok(decoded.peakGrowthMiB < flatMiB, `${decoded.codec} (${decoded.decoder}) on ${binary}: RSS rose ${decoded.peakGrowthMiB} MiB`);
      }
      assert.deepEqual(printed.results.map((decoded) => decoded.codec), ['gzip', 'xz', 'zstd', 'bzip2']);
    });
  }
});
