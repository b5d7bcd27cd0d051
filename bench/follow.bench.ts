// `npm run bench -- follow`: what following an import to its end costs on fc (issue 13).
// Measured: one cold process running the refreshStatus bundle on a follow event, on the local
// stack (import → ready → 2 copies → share → 2 notifications), its wall and CPU time, peak RSS
// and API calls; and the init cost of the bundle (require in a fresh process, minus a bare node).
// Derived: the GB-seconds of a typical follow-through at each fc pair. A follower is billed while
// it waits between polls, so the duration of the import and the copies dominates; each hop to the
// next invocation adds an init and the lease's settle time.
import { execFile, execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fcInstanceTypes } from '../src/domain/jdcloud-rules/index.js';
import { followRequestFor } from '../src/domain/following/index.js';
import { startWebhookReceiver } from '../src/edges/local/index.js';
import { defaultFollowTiming, invocationWindow, stepWorstCaseMs } from '../src/use-cases/following/index.js';
import { bundleEnvironment } from '../harness/bundle-environment.js';
import { submitUpload } from '../harness/following.js';
import { startTestStack } from '../harness/local-stack.js';
import { bundleRepositoryFunction } from '../harness/function-bundle.js';

const repoRoot = fileURLToPath(new URL('../', import.meta.url));
const rounds = 9;
/** A typical follow-through: JD's import of a few GB, then copies to other regions (both undocumented; our assumption). */
const typical = { importMinutes: 15, copyMinutes: 10 };

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

function startMs(args: string[]): number {
  const started = process.hrtime.bigint();
  execFileSync(process.execPath, args, { stdio: 'ignore' });
  return Number(process.hrtime.bigint() - started) / 1e6;
}

/** serverless.yml's refreshStatus timeout and the provider's cpu/memory pair: what is deployed. */
async function deployedSettings(): Promise<{ timeoutSeconds: number; cpu: number; memorySize: number }> {
  const yml = await readFile(join(repoRoot, 'serverless.yml'), 'utf8');
  const timeout = /refreshStatus:[\s\S]*?\n\s+timeout: (\d+)/.exec(yml)?.[1];
  const cpu = /\n\s+cpu: ([\d.]+)/.exec(yml)?.[1];
  const memory = /\n\s+memorySize: (\d+)/.exec(yml)?.[1];
  if (timeout === undefined || cpu === undefined || memory === undefined) throw new Error('serverless.yml: refreshStatus timeout, provider cpu or memorySize not found');
  return { timeoutSeconds: Number(timeout), cpu: Number(cpu), memorySize: Number(memory) };
}

/** Polls a follower makes in `seconds` with the default waits between them (the last one repeats). */
function pollsWithin(seconds: number): number {
  const delays = defaultFollowTiming.pollDelaysMs;
  let elapsed = 0;
  let polls = 1;
  while (elapsed < seconds * 1000) {
    elapsed += delays[Math.min(polls - 1, delays.length - 1)] ?? 60_000;
    polls += 1;
  }
  return polls;
}

export async function run(): Promise<Record<string, unknown>> {
  const work = await mkdtemp(join(tmpdir(), 'oss-image-import-follow-bench-'));
  const stack = await startTestStack({ autoImport: false, bucket: 'disk-images', taskStepMs: 200 });
  const receiver = await startWebhookReceiver();
  try {
    const settings = await deployedSettings();
    const major = Number(process.versions.node.split('.')[0]);
    const bundle = await bundleRepositoryFunction('refreshStatus', 'refresh-status', major);
    const bundleFile = join(work, 'index.js');
    await writeFile(join(work, 'package.json'), '{ "type": "commonjs" }\n');
    await writeFile(bundleFile, bundle.code);

    // Init: require the bundle in a fresh process, minus a bare node, interleaved.
    const bare: number[] = [];
    const loaded: number[] = [];
    for (let round = 0; round < rounds; round += 1) {
      bare.push(startMs(['-e', '0']));
      loaded.push(startMs(['-e', `require(${JSON.stringify(bundleFile)})`]));
    }
    const initMs = Math.max(0, median(loaded) - median(bare));

    // One follow-through, cold, in one invocation with the deployed timeout.
    const key = 'bench/follow.qcow2';
    const record = await submitUpload(stack, key, { 'copy-to-regions': 'cn-east-2,cn-south-1', 'share-with': 'jdpin-alice,jdpin-bob' });
    const before = { ...stack.emulator.counters.requestsByOperation };
    await writeFile(join(work, 'event.json'), JSON.stringify({ follow: followRequestFor(record, new Date()) }));
    await writeFile(join(work, 'context.json'), JSON.stringify({ requestId: 'bench-follow', function: { name: 'refreshStatus', timeout: settings.timeoutSeconds } }));
    const env = {
      ...bundleEnvironment(stack),
      IMAGE_NOTIFY_URL: `${receiver.url}/hooks`,
      IMAGE_NOTIFY_SECRET: 'bench-secret-of-24-characters',
      // As the plugin deploys it.
      OSS_IMAGE_IMPORT_FC_TIMEOUT: String(settings.timeoutSeconds),
      LOG_LEVEL: 'warn',
    };
    await new Promise<void>((resolve, reject) => {
      execFile(process.execPath, [join(repoRoot, 'harness', 'run-bundle.cjs'), bundleFile, join(work, 'event.json'), join(work, 'result.json'), join(work, 'context.json')], { env: { PATH: process.env['PATH'] ?? '', ...env } }, (error) =>
        error === null ? resolve() : reject(error),
      );
    });
    const ran = JSON.parse(await readFile(join(work, 'result.json'), 'utf8')) as { result?: { follow?: { outcome: string; state: string; steps: number } }; usage: { maxRssKb: number; cpuMs: number; wallMs: number } };
    if (ran.result?.follow?.outcome !== 'done' || receiver.received.length !== 2) throw new Error(`the follow-through did not finish: ${JSON.stringify(ran.result)}`);
    const after = stack.emulator.counters.requestsByOperation;
    const polls = after.describeImageTasks - before.describeImageTasks + (after.describeImages - before.describeImages);
    const measured = {
      wallMs: ran.usage.wallMs,
      cpuMs: ran.usage.cpuMs,
      peakRssMb: Number((ran.usage.maxRssKb / 1024).toFixed(1)),
      initMs: Number(initMs.toFixed(1)),
      polls,
      copyImages: after.copyImages - before.copyImages,
      shareImage: after.shareImage - before.shareImage,
      notifications: receiver.received.length,
      steps: ran.result.follow.steps,
    };
    // CPU per poll: the run's CPU less one init, spread over its polls (an upper bound: the side effects are in it too).
    const cpuPerPollMs = Math.max(0, measured.cpuMs - initMs) / Math.max(1, polls);

    // An invocation polls until a poll's worst case no longer fits before its timeout less the hand-off's reserve.
    const sliceSeconds = (invocationWindow(0, settings.timeoutSeconds).hardDeadlineMs - stepWorstCaseMs('poll-import')) / 1000;
    const followSeconds = (typical.importMinutes + typical.copyMinutes) * 60;
    const hops = Math.ceil(followSeconds / sliceSeconds);
    const typicalPolls = pollsWithin(typical.importMinutes * 60) + pollsWithin(typical.copyMinutes * 60);
    const perPair = fcInstanceTypes.map((type) => {
      const seconds = followSeconds + hops * ((initMs / type.cpu) / 1000 + defaultFollowTiming.claimSettleMs / 1000) + (typicalPolls * cpuPerPollMs * (1 / type.cpu - 1)) / 1000;
      return { ...type, deployed: type.cpu === settings.cpu && type.memorySize === settings.memorySize, billedSeconds: Math.round(seconds), gbSeconds: Number(((type.memorySize / 1024) * seconds).toFixed(1)) };
    });
    return {
      measured,
      typical: { ...typical, refreshStatusTimeoutSeconds: settings.timeoutSeconds, sliceSeconds, hops, polls: typicalPolls, cpuPerPollMs: Number(cpuPerPollMs.toFixed(1)) },
      perPair,
      gbSecondsAtDeployedPair: perPair.find((pair) => pair.deployed)?.gbSeconds ?? null,
    };
  } finally {
    await receiver.stop();
    await stack.stop();
    await rm(work, { recursive: true, force: true });
  }
}
