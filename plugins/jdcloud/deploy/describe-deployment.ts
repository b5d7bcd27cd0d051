import type { FcApi, FcFunction, FcTrigger } from '../../../src/adapters/jdcloud/fc/index.js';

export interface DeployedFunctionInfo {
  function: FcFunction;
  triggers: FcTrigger[];
}

export interface DeploymentInfo {
  fcServiceName: string;
  region: string;
  /** False when the service is not deployed. */
  deployed: boolean;
  functions: DeployedFunctionInfo[];
}

/** Reads what is deployed for `serverless info`. */
export async function describeDeployment(input: { fc: FcApi; region: string; fcServiceName: string }): Promise<DeploymentInfo> {
  const { fc, region, fcServiceName } = input;
  const service = await fc.findService(region, fcServiceName);
  if (service === undefined) return { fcServiceName, region, deployed: false, functions: [] };
  const functions = await fc.listFunctions(region, fcServiceName);
  const withTriggers = await Promise.all(
    functions.map(async (fn) => ({ function: fn, triggers: await fc.listTriggers(region, fcServiceName, fn.functionName) })),
  );
  return { fcServiceName, region, deployed: true, functions: withTriggers };
}

/**
 * The info as text lines. Environment variables are listed by name only: their values often
 * hold credentials.
 */
export function formatDeploymentInfo(info: DeploymentInfo): string[] {
  const lines = [`service: ${info.fcServiceName}`, `region: ${info.region}`];
  if (!info.deployed) return [...lines, 'status: not deployed (run serverless deploy)'];
  lines.push('functions:');
  for (const { function: fn, triggers } of info.functions) {
    lines.push(
      `  ${fn.functionName}: ${fn.runtime ?? '?'}, handler ${fn.handler ?? '?'}, ${fn.cpu ?? '?'} vCPU / ${fn.memorySize ?? '?'} MB, timeout ${fn.timeout ?? '?'} s, status ${fn.status ?? '?'}`,
    );
    if (fn.codeSize !== null && fn.codeSize !== undefined) lines.push(`    code: ${fn.codeSize} bytes, checksum ${fn.checkSum ?? '?'}`);
    const envNames = (fn.envs ?? []).map((env) => env.name);
    lines.push(`    environment: ${envNames.length === 0 ? '(none)' : envNames.join(', ')}`);
    for (const trigger of triggers) {
      lines.push(`    trigger ${trigger.triggerName}: ${trigger.sourceJrn ?? '?'} ${trigger.triggerConfig ?? ''} (${trigger.status ?? '?'})`);
    }
  }
  return lines;
}
