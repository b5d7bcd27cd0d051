import { platformEnvironmentNames } from '../../../src/use-cases/config/index.js';

/**
 * Variables the plugin adds to every function's environment, so a function can find itself and
 * its siblings in fc: a follower re-invokes itself, the import hands off to the refresh function
 * (asynchronous invocations, docs/reference/jdcloud-api.md §3.1), and the follower knows its own
 * timeout (fc documents no context to read it from). docs/deploy.md lists them; the names are
 * defined once, with the functions that read them (src/use-cases/config).
 */
export interface PlatformFacts {
  fcServiceName: string;
  region: string;
  /** The fc endpoint deploy talks to; the functions call the same one. */
  fcEndpoint: string;
  /** The function status records are refreshed by (provider.refreshFunction), if any. */
  refreshFunction: string | undefined;
}

/** The variables for one function, whose timeout is `timeoutSeconds` (fc's default when serverless.yml sets none). */
export function platformEnvironment(facts: PlatformFacts, functionKey: string, timeoutSeconds: number): Record<string, string> {
  return {
    [platformEnvironmentNames.service]: facts.fcServiceName,
    [platformEnvironmentNames.functionName]: functionKey,
    ...(facts.refreshFunction !== undefined ? { [platformEnvironmentNames.refreshFunction]: facts.refreshFunction } : {}),
    [platformEnvironmentNames.region]: facts.region,
    [platformEnvironmentNames.endpoint]: facts.fcEndpoint,
    [platformEnvironmentNames.timeout]: String(timeoutSeconds),
  };
}
