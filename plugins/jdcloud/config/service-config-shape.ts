import * as z from '../../../src/kernel/zod.js';
import type { OssEventType } from './oss-event-types.js';

// What the plugin reads from `serverless.service` once the framework has resolved variables and
// checked it against config-schema.ts. The shapes are parsed again here, with zod, because the
// framework's check is advisory (`configValidationMode: warn` lets anything through).

/** `environment:` — a variable whose value is empty is left out ("only when set"). */
const environmentSchema = z.pipe(
  z.optional(z.record(z.string(), z.string())),
  z.transform((environment) => Object.fromEntries(Object.entries(environment ?? {}).filter(([, value]) => value !== ''))),
);

const ossTriggerSchema = z.object({
  bucket: z.string(),
  events: z.optional(z.array(z.string())),
  filter: z.optional(z.object({ prefix: z.optional(z.string()), suffix: z.optional(z.string()) })),
  name: z.optional(z.string()),
  description: z.optional(z.string()),
  enabled: z.optional(z.boolean()),
});
export type OssTriggerInput = z.infer<typeof ossTriggerSchema>;

/** Settings a function takes from provider.* unless it sets its own. */
const sharedSettings = {
  runtime: z.optional(z.string()),
  description: z.optional(z.string()),
  timeout: z.optional(z.number()),
  cpu: z.optional(z.number()),
  memorySize: z.optional(z.number()),
  environment: environmentSchema,
};

export const providerInputSchema = z.object({
  ...sharedSettings,
  region: z.optional(z.string()),
  stage: z.optional(z.string()),
  /** fc service name; defaults to `<service>-<stage>`. */
  serviceName: z.optional(z.string()),
  /** The function that refreshes status records; default `refreshStatus` when there is one. */
  refreshFunction: z.optional(z.string()),
  bundle: z.optional(z.object({ sourcemap: z.optional(z.boolean()), minify: z.optional(z.boolean()), awsDefaultCredentialChain: z.optional(z.boolean()) })),
});
export type ProviderInput = z.infer<typeof providerInputSchema>;

export const functionInputSchema = z.object({
  ...sharedSettings,
  handler: z.optional(z.string()),
  events: z.optional(z.array(z.object({ oss: ossTriggerSchema }))),
});
export type FunctionInput = z.infer<typeof functionInputSchema>;

/** What the plugin reads from the framework: `serverless.service` after variables are resolved. */
export interface ServerlessServiceView {
  serviceDir: string;
  /** `service:` in serverless.yml. */
  service: string;
  stage: string;
  provider: Readonly<Record<string, unknown>>;
  functions: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

export interface TriggerConfig {
  /** Where it is written, e.g. `functions.importImage.events[0].oss`. */
  where: string;
  name: string;
  bucket: string;
  events: OssEventType[];
  prefix: string;
  suffix: string;
  description?: string;
  enabled: boolean;
}

export interface FunctionConfig {
  /** The key under `functions:`; also the fc function name. */
  key: string;
  /** Absolute path of the source file the bundle starts from. */
  handlerFile: string;
  handlerExport: string;
  /** The handler fc calls inside the zip: the bundle is always `index.js`. */
  fcHandler: string;
  runtime?: string;
  description?: string;
  /** The instance type: always a pair fc offers (function-resources.ts). */
  cpu: number;
  memorySize: number;
  timeout?: number;
  /** provider.environment overlaid with the function's own. */
  environment: Record<string, string>;
  triggers: TriggerConfig[];
}

export interface ServiceConfig {
  serviceDir: string;
  region: string;
  fcServiceName: string;
  description?: string;
  /** undefined: choose the newest Node.js runtime fc offers at deploy time. */
  runtime?: string;
  bundle: { sourcemap: boolean; minify: boolean; awsDefaultCredentialChain: boolean };
  functions: FunctionConfig[];
}
