import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { listZipEntries, readZipEntry } from '../../../adapters/jdcloud/fc/index.js';
import type { InvocationOutcome, StoredFunction } from './fc-state.js';

/**
 * What runs in the function's process, the way fc's Node runtime calls a handler: chdir to the
 * code, require `<file>` of the `<file>.<export>` handler, call it with the event and a
 * context (a callback too, for 3-argument handlers), write what it returned, exit. Plain
 * JavaScript for `node -e`, so any Node binary runs it. The emulator is a local stand-in, so
 * the function may connect to loopback only: a deployed config that still names a public
 * endpoint fails with a clear error instead of reaching the internet.
 */
const runnerSource = `'use strict';
const fs = require('fs');
const path = require('path');
const net = require('net');
const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function (...args) {
  const first = Array.isArray(args[0]) ? args[0][0] : args[0];
  const options = typeof first === 'object' && first !== null ? first : { port: first, host: typeof args[1] === 'string' ? args[1] : undefined };
  const host = String(options.host || 'localhost');
  if (options.path === undefined && !/^(127\\.|localhost$|::1$|\\[::1\\]$)/.test(host)) {
    const error = new Error('fc emulator: the function may connect to loopback only, not to ' + host);
    process.nextTick(() => this.destroy(error));
    return this;
  }
  return connect.apply(this, args);
};
const [codeDir, handlerName, eventFile, resultFile, contextJson] = process.argv.slice(1);
const write = (outcome) => fs.writeFileSync(resultFile, JSON.stringify(Object.assign({ node: process.version }, outcome)));
const dot = handlerName.lastIndexOf('.');
process.chdir(codeDir);
const run = async () => {
  const handler = require(path.join(codeDir, handlerName.slice(0, dot)))[handlerName.slice(dot + 1)];
  if (typeof handler !== 'function') throw new TypeError('handler ' + handlerName + ' is not an exported function');
  const event = JSON.parse(fs.readFileSync(eventFile, 'utf8'));
  const context = JSON.parse(contextJson);
  if (handler.length >= 3) return new Promise((resolve, reject) => { const returned = handler(event, context, (error, result) => (error ? reject(error) : resolve(result))); if (returned && typeof returned.then === 'function') returned.then(resolve, reject); });
  return handler(event, context);
};
run().then(
  (result) => { write({ ok: true, result: result === undefined ? null : result }); process.exit(0); },
  (error) => { write({ ok: false, error: String((error && error.stack) || error) }); process.exit(1); },
);`;

const outputLimit = 64 * 1024;

export interface InvokeInput {
  requestId: string;
  serviceName: string;
  region: string;
  fn: StoredFunction;
  /** The event as JSON text. */
  event: string;
  /** The Node binary for the function's runtime. */
  nodeBinary: string;
}

/**
 * Runs one invocation of a deployed function in a child Node process: its zip unpacked into a
 * fresh directory, its environment (and PATH) only, killed at the function's timeout.
 */
export class FcInvoker {
  readonly #running = new Set<ReturnType<typeof execFile>>();

  async run(input: InvokeInput): Promise<InvocationOutcome> {
    const started = Date.now();
    const work = await mkdtemp(join(tmpdir(), 'fc-emulator-invocation-'));
    const codeDir = join(work, 'code');
    try {
      for (const entry of listZipEntries(input.fn.code)) {
        if (entry.name.endsWith('/') || entry.name.split('/').includes('..')) continue;
        const target = join(codeDir, entry.name);
        await mkdir(dirname(target), { recursive: true });
        await writeFile(target, readZipEntry(input.fn.code, entry));
      }
      const eventFile = join(work, 'event.json');
      const resultFile = join(work, 'result.json');
      await writeFile(eventFile, input.event);
      const context = {
        requestId: input.requestId,
        function: { name: input.fn.functionName, handler: input.fn.handler, memory: input.fn.memorySize, timeout: input.fn.timeout },
        service: { name: input.serviceName },
        region: input.region,
      };
      const env = { PATH: process.env['PATH'] ?? '', ...Object.fromEntries(input.fn.envs.map((variable) => [variable.name, variable.value])) };
      const exit = await new Promise<{ code: number | null; signal: string | null; output: string; timedOut: boolean }>((resolve) => {
        const child = execFile(
          input.nodeBinary,
          ['-e', runnerSource, codeDir, input.fn.handler, eventFile, resultFile, JSON.stringify(context)],
          { env, cwd: codeDir, timeout: input.fn.timeout * 1000, killSignal: 'SIGKILL', maxBuffer: 16 * 1024 * 1024 },
          (error, stdout, stderr) => {
            this.#running.delete(child);
            const output = `${stdout}${stderr}`.slice(-outputLimit);
            const killed = error !== null && 'killed' in error && error.killed === true;
            resolve({ code: child.exitCode, signal: child.signalCode, output, timedOut: killed && child.signalCode === 'SIGKILL' });
          },
        );
        this.#running.add(child);
      });
      const reported = JSON.parse(await readFile(resultFile, 'utf8').catch(() => '{}')) as { ok?: boolean; result?: unknown; error?: string; node?: string };
      const base = { exitCode: exit.code, signal: exit.signal, output: exit.output, durationMs: Date.now() - started, ...(reported.node !== undefined ? { node: reported.node } : {}) };
      if (exit.timedOut) return { ...base, status: 'timed-out', error: `the function ran past its timeout of ${input.fn.timeout} s and was killed` };
      if (reported.ok === true) return { ...base, status: 'succeeded', result: reported.result };
      return { ...base, status: 'failed', error: reported.error ?? `the process exited with ${exit.code ?? exit.signal ?? 'nothing'} before the handler answered` };
    } catch (error) {
      return { status: 'failed', error: String(error), exitCode: null, signal: null, output: '', durationMs: Date.now() - started };
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  }

  /** Kills what still runs. */
  stop(): void {
    for (const child of this.#running) child.kill('SIGKILL');
  }
}
