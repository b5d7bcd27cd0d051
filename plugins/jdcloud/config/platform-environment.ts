import { defaultFcEndpoint, platformEnvironmentNames } from '../../../src/use-cases/config/index.js';

/**
 * Variables the plugin adds to every function's environment, so a function can find itself and
 * its siblings in fc: a follower re-invokes itself, the import hands off to the refresh function
 * (asynchronous invocations, docs/reference/jdcloud-api.md §3.1). docs/deploy.md lists them; the
 * names (and the default endpoint) are defined once, with the functions that read them
 * (src/use-cases/config).
 */
export { defaultFcEndpoint };

export interface PlatformFacts {
  fcServiceName: string;
  region: string;
  /** The fc endpoint deploy talks to; the functions call the same one. */
  fcEndpoint: string;
  /** The function status records are refreshed by (provider.refreshFunction), if any. */
  refreshFunction: string | undefined;
}

export function platformEnvironment(facts: PlatformFacts, functionKey: string): Record<string, string> {
  return {
    [platformEnvironmentNames.service]: facts.fcServiceName,
    [platformEnvironmentNames.functionName]: functionKey,
    ...(facts.refreshFunction !== undefined ? { [platformEnvironmentNames.refreshFunction]: facts.refreshFunction } : {}),
    [platformEnvironmentNames.region]: facts.region,
    [platformEnvironmentNames.endpoint]: facts.fcEndpoint,
  };
}
