import type { FcApi } from '../../../src/adapters/jdcloud/fc/index.js';

export interface RemoveSummary {
  fcServiceName: string;
  /** False when there was nothing to remove. */
  existed: boolean;
  changes: string[];
}

/**
 * Deletes the fc service and everything in it: each function with its triggers (which also
 * removes the bucket notifications fc added for them), then the service.
 */
export async function removeService(input: { fc: FcApi; region: string; fcServiceName: string; onChange?: (line: string) => void }): Promise<RemoveSummary> {
  const { fc, region, fcServiceName } = input;
  const changes: string[] = [];
  const record = (line: string): void => {
    changes.push(line);
    input.onChange?.(line);
  };
  const service = await fc.findService(region, fcServiceName);
  if (service === undefined) return { fcServiceName, existed: false, changes };
  for (const fn of await fc.listFunctions(region, fcServiceName)) {
    await fc.deleteFunction(region, fcServiceName, fn.functionName, { deleteTrigger: true });
    record(`deleted function ${fn.functionName} and its triggers`);
  }
  await fc.deleteService(region, fcServiceName);
  record(`deleted service ${fcServiceName}`);
  return { fcServiceName, existed: true, changes };
}
