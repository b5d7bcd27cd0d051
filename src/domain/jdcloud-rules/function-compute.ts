// JD Cloud Function Compute ("fc") limits, defined once, each from fc's own documents:
// docs/reference/jdcloud-api.md §3.1–3.4 (the fc OpenAPI and its models) and §4.5.3 (OSS
// filter rules). Limits of the legacy Function Service (§3.5: env value ≤ 128 bytes, name ≤ 64
// bytes, zip ≤ 50 MB, async event ≤ 128 KB, timeout ≤ 300 s) are not fc's and are not applied.
export const fcLimits = {
  /** FunctionSpec.envs: "at most 50 pairs". */
  maxEnvironmentVariables: 50,
  /** fc createTrigger: "a function has at most 10 triggers". */
  maxTriggersPerFunction: 10,
  /** FunctionSpec.timeout: 1–900 seconds. */
  minTimeoutSeconds: 1,
  maxTimeoutSeconds: 900,
  /** Code.zipFile: the unzipped content must be ≤ 250 MB. */
  maxUnzippedCodeBytes: 250 * 1024 * 1024,
  /** Filter rule values: at most 1022 bytes each (§4.5.3). */
  maxFilterValueBytes: 1022,
  /** Service, function and trigger names. */
  maxResourceNameLength: 32,
} as const;

/** FunctionSpec defaults (§3.2): what fc applies to a field that is not sent. */
export const fcFunctionDefaults = { timeout: 60, cpu: 1, memorySize: 1024, diskSize: 512 } as const;

/** FunctionSpec.runtime: "目前支持nodejs16", the one runtime fc documents (§3.2). */
export const fcDocumentedRuntime = 'nodejs16';

/** One instance type: vCPU and memory in MB, as describeInstanceTypes lists them. */
export interface FcInstanceType {
  cpu: number;
  memorySize: number;
}

/**
 * FunctionSpec.cpu / memorySize (§3.2): cpu is one of 0.15, 0.75, 1 and memory is tied to it —
 * 0.15 ↔ 256 MB, 0.75 ↔ 1024 MB, 1 ↔ 1024 MB. describeInstanceTypes (§3.1) lists the pairs of a
 * region where it answers.
 */
export const fcInstanceTypes: readonly FcInstanceType[] = [
  { cpu: 0.15, memorySize: 256 },
  { cpu: 0.75, memorySize: 1024 },
  { cpu: 1, memorySize: 1024 },
];

/** "0.15 vCPU / 256 MB, 0.75 vCPU / 1024 MB, 1 vCPU / 1024 MB", for messages. */
export function instanceTypesText(types: readonly FcInstanceType[]): string {
  return types.map((type) => `${type.cpu} vCPU / ${type.memorySize} MB`).join(', ');
}

/** Service, function and trigger names: 1–32 Chinese characters, letters, digits, `_` and `-`. */
export const fcResourceNamePattern = /^[\p{Script=Han}A-Za-z0-9_-]{1,32}$/u;

/**
 * FunctionSpec.envs: "keys must not duplicate the image's built-in environment keys". fc does not
 * list them; these are the names the Function Service documents as its own (§3.5), the only
 * list JD publishes.
 */
export const reservedEnvironmentPrefixes = ['JCLOUD_', 'FUN_', 'JVES_'] as const;
export const reservedEnvironmentNames = ['HOSTNAME', 'PATH', 'PYTHON_VERSION'] as const;
