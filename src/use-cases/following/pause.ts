import { setTimeout as sleep } from 'node:timers/promises';

/** Waits `ms`, unless the signal fires first; says whether the whole wait passed. */
export async function pause(ms: number, signal: AbortSignal | undefined): Promise<boolean> {
  if (signal?.aborted === true) return false;
  try {
    await sleep(ms, undefined, signal === undefined ? undefined : { signal });
    return true;
  } catch {
    return false;
  }
}
