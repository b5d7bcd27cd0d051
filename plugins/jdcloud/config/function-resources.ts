import type { Problem } from '../../../src/kernel/index.js';
import { fcFunctionDefaults, fcInstanceTypes, instanceTypesText, type FcInstanceType } from '../../../src/domain/jdcloud-rules/index.js';

/** A function's `cpu` and `memorySize` as written (its own, else provider's). */
export interface ResourceSettings {
  cpu?: number | undefined;
  memorySize?: number | undefined;
}

/**
 * The instance type a function runs on. fc ties memory to cpu (docs/reference/jdcloud-api.md
 * §3.2), so one setting picks the pair: `cpu: 0.15` means 256 MB, `memorySize: 256` means 0.15
 * vCPU; 1024 MB alone keeps fc's default 1 vCPU. Both set must be a pair fc offers.
 */
export function resolveInstanceType(
  where: string,
  settings: ResourceSettings,
  offered: readonly FcInstanceType[] = fcInstanceTypes,
): { type: FcInstanceType } | { problem: Problem } {
  const { cpu, memorySize } = settings;
  const candidates = offered.filter((type) => (cpu === undefined || type.cpu === cpu) && (memorySize === undefined || type.memorySize === memorySize));
  const chosen = candidates.find((type) => type.cpu === fcFunctionDefaults.cpu) ?? candidates[0];
  if (cpu === undefined && memorySize === undefined) return { type: { cpu: fcFunctionDefaults.cpu, memorySize: fcFunctionDefaults.memorySize } };
  if (chosen !== undefined) return { type: chosen };
  const asked = [cpu === undefined ? undefined : `cpu ${cpu}`, memorySize === undefined ? undefined : `memorySize ${memorySize}`].filter((part) => part !== undefined).join(' with ');
  return {
    problem: {
      code: 'invalid-instance-type',
      field: where,
      value: asked,
      message: `${where}: ${asked} is not an instance type fc offers; use one of ${instanceTypesText(offered)} (set cpu, memorySize or both).`,
    },
  };
}
