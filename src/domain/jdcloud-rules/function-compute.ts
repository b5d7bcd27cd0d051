// JD Cloud Function Compute ("fc") limits, defined once. Sources: docs/reference/jdcloud-api.md
// §3.2–3.4 (fc models), §3.5 (the legacy Function Service, which the fc docs do not restate)
// and §4.5.3 (trigger filters).
export const fcLimits = {
  /** FunctionSpec.envs: "at most 50 pairs". */
  maxEnvironmentVariables: 50,
  /** Function Service ENV-variable page: value ≤ 128 bytes. */
  maxEnvironmentValueBytes: 128,
  /** Function Service ENV-variable page: key ≤ 64 bytes, `[a-zA-Z]` then letters, digits, `_`. */
  maxEnvironmentNameBytes: 64,
  /** fc createTrigger: "a function has at most 10 triggers". */
  maxTriggersPerFunction: 10,
  /** FunctionSpec.timeout: 1–900 seconds. */
  minTimeoutSeconds: 1,
  maxTimeoutSeconds: 900,
  /** Code.zipFile: the unzipped content must be ≤ 250 MB. */
  maxUnzippedCodeBytes: 250 * 1024 * 1024,
  /** Function Service: zip ≤ 50 MB (the fc docs give only the unzipped limit). */
  maxZipCodeBytes: 50 * 1024 * 1024,
  /** Function Service: an asynchronous event is at most 128 KB. */
  maxAsyncEventBytes: 128 * 1024,
  /** Filter rule values: at most 1022 bytes each. */
  maxFilterValueBytes: 1022,
  /** Service, function and trigger names. */
  maxResourceNameLength: 32,
} as const;

/** Service, function and trigger names: 1–32 Chinese characters, letters, digits, `_` and `-`. */
export const fcResourceNamePattern = /^[\p{Script=Han}A-Za-z0-9_-]{1,32}$/u;

/** Names and prefixes the platform reserves for its own environment (docs §3.5). */
export const reservedEnvironmentPrefixes = ['JCLOUD_', 'FUN_', 'JVES_'] as const;
export const reservedEnvironmentNames = ['HOSTNAME', 'PATH', 'PYTHON_VERSION'] as const;
