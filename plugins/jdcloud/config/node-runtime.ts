import type { Problem } from '../../../src/kernel/index.js';

/**
 * The Node.js majors the bundle is built and tested for (CI runs it on each: .ci/run,
 * test/plugins/node-runtimes.test.ts). JD's fc documents only `nodejs16` (docs/reference/
 * jdcloud-api.md §3.2 FunctionSpec.runtime), so 16 is where it must run; newer ones are taken
 * when describeRuntimes offers them.
 */
export const supportedNodeMajors = [16, 18, 20, 22, 24] as const;

/** Upstream end of life (nodejs.org release schedule); deploying to a runtime past it warns. */
export const nodeEndOfLife: Readonly<Record<(typeof supportedNodeMajors)[number], string>> = {
  16: '2023-09-11',
  18: '2025-04-30',
  20: '2026-04-30',
  22: '2027-04-30',
  24: '2028-04-30',
};

export const supportedRuntimesText = supportedNodeMajors.map((major) => `nodejs${major}`).join(', ');

/** The Node.js major of an fc runtime name (`nodejs22` → 22), or undefined for other languages. */
export function nodeMajorOf(runtime: string): number | undefined {
  const match = /^nodejs(\d+)$/.exec(runtime);
  return match === null ? undefined : Number(match[1]);
}

function isSupportedMajor(major: number | undefined): major is (typeof supportedNodeMajors)[number] {
  return (supportedNodeMajors as readonly (number | undefined)[]).includes(major);
}

/** A configured runtime must be one the bundle is built and tested for. */
export function runtimeProblem(field: string, runtime: string): Problem | undefined {
  if (isSupportedMajor(nodeMajorOf(runtime))) return undefined;
  return {
    code: 'unsupported-runtime',
    field,
    value: runtime,
    message: `${field}: "${runtime}" is not a runtime this function is built for; use one of ${supportedRuntimesText}, or leave ${field} out to deploy on the newest of them that fc offers.`,
  };
}

/** The newest supported `nodejsNN` among those fc offers, or undefined. */
export function newestNodeRuntime(offered: readonly string[]): string | undefined {
  let best: { runtime: string; major: number } | undefined;
  for (const runtime of offered) {
    const major = nodeMajorOf(runtime);
    if (!isSupportedMajor(major)) continue;
    if (best === undefined || major > best.major) best = { runtime, major };
  }
  return best?.runtime;
}

/**
 * The warning for a runtime past its upstream end of life on `today` (YYYY-MM-DD), or
 * undefined. It is allowed because JD's fc documents nodejs16 as its only runtime, and the
 * bundle is tested on it.
 */
export function endOfLifeWarning(runtime: string, today: string): string | undefined {
  const major = nodeMajorOf(runtime);
  if (!isSupportedMajor(major)) return undefined;
  const endOfLife = nodeEndOfLife[major];
  if (today < endOfLife) return undefined;
  return `${runtime}: Node.js ${major} reached its end of life upstream on ${endOfLife} (no more security fixes from the Node.js project). It is allowed because JD's Function Compute documents nodejs16 as its runtime and may offer nothing newer; the bundle is built and tested for it. Set provider.runtime to a newer nodejsNN once fc offers one.`;
}
