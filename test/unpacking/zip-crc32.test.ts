// The CRC-32 a zip member is checked with, against gzip's (an implementation independent of
// ours) and the standard check value, whole and chunk by chunk; and on every Node major at hand
// (nodejs16, the function's default runtime, has no zlib.crc32: the table-driven one runs there).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { build } from 'esbuild';
import { crc32, crc32Implementation, tableCrc32 } from '../../src/use-cases/unpacking/crc32.js';
import { nodeBinaries } from '../../harness/node-binaries.js';
import { crc32ByGzip } from './zip-archives.js';

/** zlib.crc32 arrived in Node 20.15 and 22.2 (and is in every later major). */
function hasZlibCrc32(version: string): boolean {
  const [major = 0, minor = 0] = version.replace(/^v/, '').split('.').map(Number);
  return major >= 23 || (major === 22 && minor >= 2) || (major === 20 && minor >= 15);
}

describe('CRC-32', () => {
  const data = randomFillSync(Buffer.alloc(3 * 2 ** 20 + 17));
  const expected = crc32ByGzip(data);

  for (const [name, implementation] of [
    ['the table-driven CRC-32', tableCrc32],
    [`the CRC-32 this Node uses (${crc32Implementation})`, crc32],
  ] as const) {
    it(`${name} gives the check value of "123456789", and gzip's CRC-32 of 3 MiB whole and in uneven chunks`, () => {
      assert.equal(implementation(Buffer.from('123456789'), 0), 0xcbf43926);
      assert.equal(implementation(new Uint8Array(0), 0), 0);
      assert.equal(implementation(data, 0), expected);
      let value = 0;
      for (let at = 0; at < data.length; at += 65_521) value = implementation(data.subarray(at, at + 65_521), value);
      assert.equal(value, expected);
    });
  }

  it(`uses zlib.crc32 on this Node (${process.version}) exactly when it has it`, () => {
    assert.equal(crc32Implementation, hasZlibCrc32(process.version) ? 'node:zlib' : 'table');
  });

  describe('on each Node major at hand', () => {
    let work: string;
    before(async () => {
      work = await mkdtemp(join(tmpdir(), 'oss-image-import-crc32-'));
      // The module as the function's bundle has it: CommonJS for Node 16, node:zlib external.
      await build({ entryPoints: [fileURLToPath(new URL('../../src/use-cases/unpacking/crc32.ts', import.meta.url))], bundle: true, platform: 'node', format: 'cjs', target: 'node16', outfile: join(work, 'crc32.cjs'), logLevel: 'silent' });
      await writeFile(join(work, 'data'), data);
    });
    after(async () => rm(work, { recursive: true, force: true }));

    const script = `const { crc32, crc32Implementation } = require(process.argv[1]); const data = require('node:fs').readFileSync(process.argv[2]);
console.log(JSON.stringify({ node: process.version, crc32Implementation, check: crc32(Buffer.from('123456789'), 0), data: crc32(data.subarray(1000), crc32(data.subarray(0, 1000), 0)) }));`;
    for (const { binary, major } of nodeBinaries()) {
      it(`Node ${major} (${binary === process.execPath ? 'this node' : binary}) computes the same CRC-32, with zlib's where it has it`, async () => {
        const printed = await new Promise<string>((resolve, reject) => {
          execFile(binary, ['-e', script, join(work, 'crc32.cjs'), join(work, 'data')], (error, stdout, stderr) => (error === null ? resolve(stdout) : reject(new Error(stderr))));
        });
        const result = JSON.parse(printed) as { node: string; crc32Implementation: string; check: number; data: number };
        assert.deepEqual(result, { node: result.node, crc32Implementation: hasZlibCrc32(result.node) ? 'node:zlib' : 'table', check: 0xcbf43926, data: expected });
        assert.equal(Number(/^v(\d+)\./.exec(result.node)?.[1]), major);
      });
    }
  });
});
