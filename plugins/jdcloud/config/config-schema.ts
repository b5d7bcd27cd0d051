/**
 * JSON Schemas the Serverless Framework validates serverless.yml against once the provider is
 * `jdcloud` (`configSchemaHandler.defineProvider`). The framework reports violations in its own
 * words ("Configuration error at 'functions.importImage.events[0].oss': unrecognized property
 * 'suffx'"); rules that need a sentence about JD Cloud live in `read-service-config.ts`.
 */

const positiveInteger = { type: 'integer', minimum: 1 } as const;
/** vCPU of the function's instance type: 0.15, 0.75 or 1 (read-service-config checks the pair). */
const cpu = { type: 'number', exclusiveMinimum: 0 } as const;

/** Names JD accepts for services, functions and triggers: letters, digits, `_`, `-`, Chinese. */
const jdResourceName = { type: 'string', minLength: 1, maxLength: 32 } as const;

const environmentSchema = {
  type: 'object',
  // Values are strings after variable resolution; fc stores each as `{ name, value }`.
  additionalProperties: { type: 'string' },
} as const;

export const providerSchema = {
  properties: {
    region: { type: 'string' },
    runtime: { type: 'string' },
    /** fc service name; defaults to `<service>-<stage>`. */
    serviceName: jdResourceName,
    /** The function that refreshes status records (its name goes into every function's environment). */
    refreshFunction: { type: 'string' },
    description: { type: 'string', maxLength: 256 },
    cpu,
    memorySize: positiveInteger,
    timeout: positiveInteger,
    environment: environmentSchema,
    bundle: {
      type: 'object',
      properties: {
        sourcemap: { type: 'boolean' },
        minify: { type: 'boolean' },
        awsDefaultCredentialChain: { type: 'boolean' },
      },
      additionalProperties: false,
    },
  },
} as const;

export const functionSchema = {
  properties: {
    handler: { type: 'string', minLength: 3 },
    description: { type: 'string', maxLength: 256 },
    runtime: { type: 'string' },
    cpu,
    memorySize: positiveInteger,
    timeout: positiveInteger,
    environment: environmentSchema,
  },
  required: ['handler'],
} as const;

/** `- oss: { bucket, events, filter: { prefix, suffix }, name?, description?, enabled? }` */
export const ossEventSchema = {
  type: 'object',
  properties: {
    bucket: { type: 'string' },
    events: { type: 'array', items: { type: 'string' }, minItems: 1 },
    filter: {
      type: 'object',
      properties: {
        prefix: { type: 'string' },
        suffix: { type: 'string' },
      },
      additionalProperties: false,
    },
    name: jdResourceName,
    description: { type: 'string', maxLength: 256 },
    enabled: { type: 'boolean' },
  },
  required: ['bucket'],
  additionalProperties: false,
} as const;

/** The argument to `serverless.configSchemaHandler.defineProvider('jdcloud', …)`. */
export const jdcloudProviderSchema = {
  provider: providerSchema,
  function: functionSchema,
  functionEvents: { oss: ossEventSchema },
} as const;
