/**
 * Variables the plugin adds to every function's environment, so a function can find itself and
 * its siblings in fc: a follower re-invokes itself, the import hands off to the refresh function
 * (asynchronous invocations, docs/reference/jdcloud-api.md §3.1). docs/deploy.md lists them.
 */
export const platformEnvironmentNames = {
  service: 'OSS_IMAGE_IMPORT_FC_SERVICE',
  functionName: 'OSS_IMAGE_IMPORT_FC_FUNCTION',
  refreshFunction: 'OSS_IMAGE_IMPORT_FC_REFRESH_FUNCTION',
  region: 'OSS_IMAGE_IMPORT_FC_REGION',
  endpoint: 'JDCLOUD_FC_ENDPOINT',
} as const;

/** The fc OpenAPI endpoint when JDCLOUD_FC_ENDPOINT is not set (docs §3). */
export const defaultFcEndpoint = 'https://fc.jdcloud-api.com';

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
