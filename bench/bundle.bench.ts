// `npm run bench -- bundle`: the deployed bundle's size, and its cold start next to the same
// function written the usual way (jdcloud-sdk-js + @aws-sdk/client-s3 from node_modules).
// Cold start = `require` of the handler file in a fresh node process minus a bare `node -e 0`,
// medians of runs interleaved in one loop so machine load hits all three alike.
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleFunction } from '../plugins/jdcloud/package/bundle-function.js';
import { zipEntries } from '../plugins/jdcloud/package/zip-bundle.js';

const repoRoot = fileURLToPath(new URL('../', import.meta.url));
const rounds = 15;
/** Issue 5's targets. */
const targets = { maxBundleBytes: 600 * 1024, maxInitOverheadRatio: 1 / 3 };

function startMs(args: string[]): number {
  const started = process.hrtime.bigint();
  execFileSync(process.execPath, args, { cwd: repoRoot, stdio: 'ignore' });
  return Number(process.hrtime.bigint() - started) / 1e6;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

/** Bytes per package in the bundle, largest first (our own code as "(ours)"). */
function bytesByPackage(inputs: Record<string, { bytesInOutput: number }>): Record<string, number> {
  const totals = new Map<string, number>();
  for (const [path, { bytesInOutput }] of Object.entries(inputs)) {
    const inModules = path.split('node_modules/').at(-1) ?? path;
    const name = path.includes('node_modules/') ? inModules.split('/').slice(0, inModules.startsWith('@') ? 2 : 1).join('/') : '(ours)';
    totals.set(name, (totals.get(name) ?? 0) + bytesInOutput);
  }
  return Object.fromEntries([...totals].sort((a, b) => b[1] - a[1]).slice(0, 12));
}

const bundleOf = (entryFile: string) =>
  bundleFunction({ functionKey: 'importImage', entryFile, serviceDir: repoRoot, minify: true, sourcemap: false, awsDefaultCredentialChain: false, nodeMajor: 16 });

export async function run(): Promise<Record<string, unknown>> {
  const bundle = await bundleOf(join(repoRoot, 'functions', 'import-image', 'handler.ts'));
  // The floor: a handler that only makes one S3 call (the plugin tests' fixture), bundled alike.
  const s3Only = await bundleOf(join(repoRoot, 'test', 'plugins', 'fixtures', 'service', 'handler.ts'));
  // The second function (the scheduled status refresh): its size only; it starts like importImage.
  const refreshStatus = await bundleOf(join(repoRoot, 'functions', 'refresh-status', 'handler.ts'));
  const zip = await zipEntries([{ name: 'index.js', data: bundle.code }]);
  const work = await mkdtemp(join(tmpdir(), 'oss-image-import-bench-'));
  try {
    const bundleFile = join(work, 'index.js');
    await writeFile(bundleFile, bundle.code);
    const s3OnlyFile = join(work, 's3-only.js');
    await writeFile(s3OnlyFile, s3Only.code);
    await writeFile(join(work, 'package.json'), '{ "type": "commonjs" }\n');
    const usualFile = join(repoRoot, 'bench', 'fixtures', 'usual-handler.cjs');

    const bare: number[] = [];
    const ours: number[] = [];
    const usual: number[] = [];
    const floor: number[] = [];
    startMs(['-e', `require(${JSON.stringify(bundleFile)}); require(${JSON.stringify(usualFile)})`]); // warm the file cache
    for (let round = 0; round < rounds; round += 1) {
      bare.push(startMs(['-e', '0']));
      ours.push(startMs(['-e', `require(${JSON.stringify(bundleFile)})`]));
      usual.push(startMs(['-e', `require(${JSON.stringify(usualFile)})`]));
      floor.push(startMs(['-e', `require(${JSON.stringify(s3OnlyFile)})`]));
    }
    const bareMs = median(bare);
    const oursOverheadMs = Math.max(0, median(ours) - bareMs);
    const usualOverheadMs = Math.max(0, median(usual) - bareMs);
    const s3OnlyOverheadMs = Math.max(0, median(floor) - bareMs);
    const ratio = usualOverheadMs === 0 ? Number.NaN : oursOverheadMs / usualOverheadMs;
    return {
      bundleBytes: bundle.code.length,
      zipBytes: zip.length,
      bundleBytesByPackage: bytesByPackage(bundle.inputBytes),
      refreshStatusBundleBytes: refreshStatus.code.length,
      coldStart: {
        rounds,
        bareNodeMs: Number(bareMs.toFixed(1)),
        oursInitOverheadMs: Number(oursOverheadMs.toFixed(1)),
        usualInitOverheadMs: Number(usualOverheadMs.toFixed(1)),
        oursOverUsualRatio: Number(ratio.toFixed(3)),
        s3OnlyBundleBytes: s3Only.code.length,
        s3OnlyInitOverheadMs: Number(s3OnlyOverheadMs.toFixed(1)),
        // The floor next to the peer: a bundle that only loads the S3 client, set against the target.
        s3OnlyOverUsualRatio: Number((s3OnlyOverheadMs / usualOverheadMs).toFixed(3)),
      },
      targets: {
        bundleAtMost600KB: bundle.code.length <= targets.maxBundleBytes,
        initOverheadAtMostOneThirdOfUsual: ratio <= targets.maxInitOverheadRatio,
      },
    };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
