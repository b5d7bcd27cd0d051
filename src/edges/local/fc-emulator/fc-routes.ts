import { decodePercent } from '../../../adapters/jdcloud/index.js';

export const fcOperations = [
  'describeRuntimes',
  'describeInstanceTypes',
  'createService',
  'describeServices',
  'describeService',
  'updateService',
  'deleteService',
  'createFunction',
  'describeFunctions',
  'describeFunction',
  'describeFunctionCode',
  'updateFunction',
  'deleteFunction',
  'invokeFunction',
  'createTrigger',
  'describeTriggers',
  'describeTrigger',
  'updateTrigger',
  'deleteTrigger',
  'unknown',
] as const;

export type FcOperation = (typeof fcOperations)[number];

export interface FcRoute {
  operation: FcOperation;
  region: string;
  /** The path under `/v1/regions/{regionId}`, decoded, e.g. `/services/oss-image-import-dev`. */
  path: string;
  serviceName?: string;
  functionName?: string;
  triggerName?: string;
}

type Names = Pick<FcRoute, 'serviceName' | 'functionName' | 'triggerName'>;

/** method + path pattern (segments after the region; `:x` captures a name) → operation (docs §3.1). */
const table: Array<[method: string, pattern: string[], operation: FcOperation]> = [
  ['GET', ['runtimes'], 'describeRuntimes'],
  ['GET', ['instanceTypes'], 'describeInstanceTypes'],
  ['POST', ['services'], 'createService'],
  ['GET', ['services'], 'describeServices'],
  ['GET', ['services', ':service'], 'describeService'],
  ['PATCH', ['services', ':service'], 'updateService'],
  ['DELETE', ['services', ':service'], 'deleteService'],
  ['POST', ['services', ':service', 'functions'], 'createFunction'],
  ['GET', ['services', ':service', 'functions'], 'describeFunctions'],
  ['GET', ['services', ':service', 'functions', ':function'], 'describeFunction'],
  ['PATCH', ['services', ':service', 'functions', ':function'], 'updateFunction'],
  ['DELETE', ['services', ':service', 'functions', ':function'], 'deleteFunction'],
  ['GET', ['services', ':service', 'functions', ':function', 'code'], 'describeFunctionCode'],
  ['POST', ['services', ':service', 'functions', ':function', 'invocations'], 'invokeFunction'],
  ['POST', ['services', ':service', 'functions', ':function', 'triggers'], 'createTrigger'],
  ['GET', ['services', ':service', 'functions', ':function', 'triggers'], 'describeTriggers'],
  ['GET', ['services', ':service', 'functions', ':function', 'triggers', ':trigger'], 'describeTrigger'],
  ['PATCH', ['services', ':service', 'functions', ':function', 'triggers', ':trigger'], 'updateTrigger'],
  ['DELETE', ['services', ':service', 'functions', ':function', 'triggers', ':trigger'], 'deleteTrigger'],
];

function match(pattern: string[], segments: string[]): Names | undefined {
  if (pattern.length !== segments.length) return undefined;
  const names: Names = {};
  for (const [index, part] of pattern.entries()) {
    const segment = segments[index] ?? '';
    if (part === ':service') names.serviceName = segment;
    else if (part === ':function') names.functionName = segment;
    else if (part === ':trigger') names.triggerName = segment;
    else if (part !== segment) return undefined;
  }
  return names;
}

/** Which fc operation a request is, from its method and (percent-encoded) request target. */
export function routeOf(method: string, target: string): FcRoute {
  const pathname = target.split('?')[0] ?? '';
  const segments = pathname.split('/').slice(1).map(decodePercent);
  const [version, regions, region = '', ...rest] = segments;
  const path = `/${rest.join('/')}`;
  if (version !== 'v1' || regions !== 'regions') return { operation: 'unknown', region, path };
  for (const [routeMethod, pattern, operation] of table) {
    if (routeMethod !== method) continue;
    const names = match(pattern, rest);
    if (names !== undefined) return { operation, region, path, ...names };
  }
  return { operation: 'unknown', region, path };
}
