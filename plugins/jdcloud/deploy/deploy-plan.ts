import type { FcApi } from '../../../src/adapters/jdcloud/fc/index.js';
import { fcDocumentedRuntime, fcInstanceTypes, instanceTypesText, type FcInstanceType } from '../../../src/domain/jdcloud-rules/index.js';
import { newestNodeRuntime, supportedRuntimesText } from '../config/node-runtime.js';
import type { ServiceConfig } from '../config/read-service-config.js';
import { JdCloudPluginError, RuntimeNotOfferedError, ServiceConfigInvalidError } from '../errors.js';

/** What deploy settles before it packages anything: each function's runtime. */
export interface DeployPlan {
  /** The fc runtime of each function, by key; the bundle is built for its Node major. */
  runtimes: Record<string, string>;
  /** The pairs fc offers: describeInstanceTypes' answer, or the documented ones. */
  instanceTypes: readonly FcInstanceType[];
}

/**
 * Each function's runtime: its own, else provider.runtime, else the newest supported Node.js
 * runtime fc offers. Without fc's list (`package`, `invoke local`, which make no API call)
 * the last is nodejs16, the one fc documents, whose bundle runs on every later Node too.
 */
export function chooseRuntimes(config: ServiceConfig, offered?: readonly string[]): Record<string, string> {
  const fallback = config.runtime ?? (offered === undefined ? fcDocumentedRuntime : newestNodeRuntime(offered));
  const runtimes: Record<string, string> = {};
  for (const fn of config.functions) {
    const runtime = fn.runtime ?? fallback;
    if (runtime === undefined || (offered !== undefined && !offered.includes(runtime))) {
      throw new RuntimeNotOfferedError({ runtime: fn.runtime ?? config.runtime, region: config.region, offered: offered ?? [], supported: supportedRuntimesText });
    }
    runtimes[fn.key] = runtime;
  }
  return runtimes;
}

/** describeInstanceTypes' pairs; the documented ones where the call is not answered (§3.1). */
async function offeredInstanceTypes(fc: FcApi, region: string): Promise<readonly FcInstanceType[]> {
  try {
    const listed = await fc.describeInstanceTypes(region);
    return listed.length > 0 ? listed : fcInstanceTypes;
  } catch (error) {
    if (error instanceof JdCloudPluginError) throw error;
    if (typeof error === 'object' && error !== null && 'httpStatus' in error && (error.httpStatus === 404 || error.httpStatus === 501)) return fcInstanceTypes;
    throw error;
  }
}

/** Asks fc for its runtimes and instance types and checks serverless.yml against them; writes nothing. */
export async function planDeploy(config: ServiceConfig, fc: FcApi): Promise<DeployPlan> {
  const runtimes = chooseRuntimes(config, await fc.describeRuntimes(config.region));
  const instanceTypes = await offeredInstanceTypes(fc, config.region);
  const unavailable = config.functions.filter((fn) => !instanceTypes.some((type) => type.cpu === fn.cpu && type.memorySize === fn.memorySize));
  if (unavailable.length > 0) {
    throw new ServiceConfigInvalidError(
      unavailable.map((fn) => ({
        code: 'instance-type-not-offered',
        field: `functions.${fn.key}`,
        value: `cpu ${fn.cpu} with memorySize ${fn.memorySize}`,
        message: `functions.${fn.key}: cpu ${fn.cpu} with memorySize ${fn.memorySize} is not offered by Function Compute in ${config.region} (describeInstanceTypes lists ${instanceTypesText(instanceTypes)}).`,
      })),
    );
  }
  return { runtimes, instanceTypes };
}
