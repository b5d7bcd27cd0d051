import type { Problem } from '../../../src/kernel/index.js';
import { minimumNodeMajor, supportedNodeMajors } from './jdcloud-limits.js';

const supportedList = supportedNodeMajors.map((major) => `nodejs${major}`).join(', ');

/** The Node.js major of an fc runtime name (`nodejs22` → 22), or undefined for other languages. */
export function nodeMajorOf(runtime: string): number | undefined {
  const match = /^nodejs(\d+)$/.exec(runtime);
  return match === null ? undefined : Number(match[1]);
}

/** A configured runtime must be a Node.js runtime the bundle is built for (Node 20 and newer). */
export function runtimeProblem(field: string, runtime: string): Problem | undefined {
  const major = nodeMajorOf(runtime);
  if (major !== undefined && major >= minimumNodeMajor) return undefined;
  return {
    code: 'unsupported-runtime',
    field,
    value: runtime,
    message: `${field}: "${runtime}" is not a runtime this function can run on; the bundle needs Node.js ${minimumNodeMajor} or newer. Use ${supportedList}, or leave ${field} out to deploy on the newest Node.js runtime fc offers.`,
  };
}

/** The newest `nodejsNN` runtime with NN ≥ 20 among those fc offers, or undefined. */
export function newestNodeRuntime(offered: readonly string[]): string | undefined {
  let best: { runtime: string; major: number } | undefined;
  for (const runtime of offered) {
    const major = nodeMajorOf(runtime);
    if (major === undefined || major < minimumNodeMajor) continue;
    if (best === undefined || major > best.major) best = { runtime, major };
  }
  return best?.runtime;
}
