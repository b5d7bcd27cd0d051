// Signed VM API calls per second and latency at concurrency 16: our client (undici keep-alive
// pool, one lean signing pass) against the official jdcloud-sdk-js (node-fetch), both calling
// the same VM API emulator on loopback, in alternating rounds of one run. The emulator runs in
// its own process so its work does not share the clients' event loop.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createJdCloudClient, createVmApi } from '../src/adapters/jdcloud/index.js';
import { officialVmClient } from '../harness/official-jdcloud-sdk.js';

const concurrency = 16;
const rounds = 3;
const roundMs = 2500;
const warmupMs = 1000;
const region = 'cn-north-1';
const credentials = { accessKeyId: 'BENCH-ACCESS-KEY', secretAccessKey: 'BENCH-SECRET-KEY' };
const repoRoot = fileURLToPath(new URL('..', import.meta.url));

async function startEmulatorProcess(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/edges/local/vm-emulator/main.ts', '--port', '0'], {
    cwd: repoRoot,
    env: { ...process.env, JDCLOUD_ACCESS_KEY_ID: credentials.accessKeyId, JDCLOUD_SECRET_ACCESS_KEY: credentials.secretAccessKey },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match?.[1] !== undefined) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`the emulator exited with ${code} before listening`)));
  });
  return { url, child };
}

interface Measured {
  /** CPU time of this process (the client) and of the emulator process, in µs. */
  clientCpuMicros: number;
  emulatorCpuMicros: number | undefined;
  calls: number;
  errors: number;
  elapsedMs: number;
  latenciesMs: number[];
  firstError?: string;
}

// utime + stime of a process in µs, from /proc (Linux); undefined elsewhere.
function processCpuMicros(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    const ticks = Number(fields[11]) + Number(fields[12]);
    return Number.isFinite(ticks) ? (ticks * 1_000_000) / 100 : undefined;
  } catch {
    return undefined;
  }
}

async function measure(call: () => Promise<unknown>, durationMs: number, emulatorPid?: number): Promise<Measured> {
  const latenciesMs: number[] = [];
  const cpuBefore = process.cpuUsage();
  const emulatorBefore = processCpuMicros(emulatorPid);
  let errors = 0;
  let firstError: string | undefined;
  const started = performance.now();
  const endsAt = started + durationMs;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < endsAt) {
        const callStarted = performance.now();
        try {
          await call();
          latenciesMs.push(performance.now() - callStarted);
        } catch (error) {
          errors += 1;
          firstError ??= error instanceof Error ? error.message : JSON.stringify(error);
        }
      }
    }),
  );
  const elapsedMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);
  const emulatorAfter = processCpuMicros(emulatorPid);
  return {
    clientCpuMicros: cpu.user + cpu.system,
    emulatorCpuMicros: emulatorBefore === undefined || emulatorAfter === undefined ? undefined : emulatorAfter - emulatorBefore,
    calls: latenciesMs.length,
    errors,
    elapsedMs,
    latenciesMs,
    ...(firstError !== undefined ? { firstError } : {}),
  };
}

function percentile(sorted: number[], fraction: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))] ?? Number.NaN;
}

function summarize(results: Measured[]) {
  const calls = results.reduce((sum, result) => sum + result.calls, 0);
  const elapsedMs = results.reduce((sum, result) => sum + result.elapsedMs, 0);
  const latencies = results.flatMap((result) => result.latenciesMs).sort((a, b) => a - b);
  const firstError = results.find((result) => result.firstError !== undefined)?.firstError;
  const clientCpu = results.reduce((sum, result) => sum + result.clientCpuMicros, 0);
  const emulatorCpu = results.every((result) => result.emulatorCpuMicros !== undefined)
    ? results.reduce((sum, result) => sum + (result.emulatorCpuMicros ?? 0), 0)
    : undefined;
  return {
    callsPerSecond: Math.round((calls / elapsedMs) * 1000),
    clientCpuMicrosPerCall: Math.round(clientCpu / calls),
    // Near 100 means the emulator, not the client, set the pace.
    ...(emulatorCpu !== undefined ? { emulatorBusyPercent: Math.round((emulatorCpu / (elapsedMs * 1000)) * 100) } : {}),
    p50Ms: Number(percentile(latencies, 0.5).toFixed(3)),
    p99Ms: Number(percentile(latencies, 0.99).toFixed(3)),
    calls,
    errors: results.reduce((sum, result) => sum + result.errors, 0),
    ...(firstError !== undefined ? { firstError } : {}),
  };
}

export async function run(): Promise<Record<string, unknown>> {
  const emulator = await startEmulatorProcess();
  const ours = createJdCloudClient({ endpoint: emulator.url, service: 'vm', credentials });
  try {
    const vm = createVmApi(ours);
    const official = officialVmClient(emulator.url, credentials, region);

    // The same signed GET for both: imageTasks with two task ids, page 1 of 10.
    const callOurs = () => vm.describeImageTasks(region, { taskIds: ['1001', '1002'] });
    const callOfficial = () => official.imageTasks({ taskAction: 'ImportImage', taskIds: [1001, 1002], pageNumber: 1, pageSize: 10 }, region);

    await measure(callOurs, warmupMs);
    await measure(callOfficial, warmupMs);
    const oursRounds: Measured[] = [];
    const officialRounds: Measured[] = [];
    for (let round = 0; round < rounds; round += 1) {
      // Alternate who goes first, so drift on a shared machine hits both.
      if (round % 2 === 0) {
        oursRounds.push(await measure(callOurs, roundMs, emulator.child.pid));
        officialRounds.push(await measure(callOfficial, roundMs, emulator.child.pid));
      } else {
        officialRounds.push(await measure(callOfficial, roundMs, emulator.child.pid));
        oursRounds.push(await measure(callOurs, roundMs, emulator.child.pid));
      }
    }
    const oursSummary = summarize(oursRounds);
    const officialSummary = summarize(officialRounds);
    const ratio = Number((oursSummary.callsPerSecond / officialSummary.callsPerSecond).toFixed(2));
    return {
      operation: 'GET /v1/regions/cn-north-1/imageTasks (signed JDCLOUD2), emulator on loopback in its own process',
      concurrency,
      rounds,
      roundMs,
      ours: oursSummary,
      officialSdk: { package: 'jdcloud-sdk-js', ...officialSummary },
      throughputRatio: ratio,
      p50LatencyRatio: Number((officialSummary.p50Ms / oursSummary.p50Ms).toFixed(2)),
      // Less sensitive to a busy machine than calls per second: client CPU spent per call.
      clientCpuRatio: Number((officialSummary.clientCpuMicrosPerCall / oursSummary.clientCpuMicrosPerCall).toFixed(2)),
      target: 'ours >= 3x official calls per second',
      targetMet: ratio >= 3,
    };
  } finally {
    await ours.close();
    emulator.child.kill('SIGTERM');
  }
}
