import * as z from '../../../kernel/zod.js';

// Function Compute models (docs/reference/jdcloud-api.md §3.2; Go SDK services/fc/models). Output
// fields are optional and nullable: the Go SDK marshals absent fields as null, and the live
// responses were never observed, so only the fields deploy relies on are required.

const text = z.nullish(z.string());
const count = z.nullish(z.number());

export const logConfigSchema = z.object({ logSetUid: text, logTopicUid: text });

export const serviceSchema = z.object({
  serviceId: text,
  serviceName: z.string(),
  description: text,
  logConfig: z.nullish(logConfigSchema),
  invocationCount: count,
  functionCounts: count,
  createTime: text,
  updateTime: text,
});
export type FcService = z.infer<typeof serviceSchema>;

export const environmentSchema = z.object({ name: z.string(), value: text });
export type FcEnvironment = { name: string; value?: string };

export const functionSchema = z.object({
  functionId: text,
  functionName: z.string(),
  serviceId: text,
  serviceName: text,
  checkSum: text,
  codeSize: count,
  description: text,
  envs: z.nullish(z.array(environmentSchema)),
  runtime: text,
  timeout: count,
  handler: text,
  cpu: count,
  memorySize: count,
  diskSize: count,
  invocationCount: count,
  createTime: text,
  updateTime: text,
  /** `Pending`, `Failed` or `Active`. */
  status: text,
});
export type FcFunction = z.infer<typeof functionSchema>;

export const triggerSchema = z.object({
  triggerName: z.string(),
  triggerType: text,
  /** JSON text, e.g. `{"events":["oss:ObjectCreated:*"],"filter":{"key":{"suffix":".qcow2"}}}`. */
  triggerConfig: text,
  description: text,
  sourceJrn: text,
  createTime: text,
  updateTime: text,
  /** `Enable` or `Disable`. */
  status: text,
});
export type FcTrigger = z.infer<typeof triggerSchema>;

/** Inputs, in the JSON names fc expects. */
export interface FcServiceSpec {
  serviceName: string;
  description?: string;
}

export interface FcFunctionSpec {
  functionName: string;
  /** Base64 of a zip. */
  code: { zipFile: string };
  runtime: string;
  handler: string;
  timeout?: number;
  description?: string;
  envs?: FcEnvironment[];
  /** vCPU, tied to memorySize (§3.2: 0.15 ↔ 256, 0.75 ↔ 1024, 1 ↔ 1024). */
  cpu?: number;
  memorySize?: number;
}

/** updateFunction takes these fields flat, not wrapped in a spec. */
export type FcFunctionUpdate = Partial<Omit<FcFunctionSpec, 'functionName'>>;

export interface FcTriggerSpec {
  triggerName: string;
  triggerType: 'oss';
  /** JSON text. */
  triggerConfig: string;
  /** `jrn:oss:<regionId>::<bucket>`. */
  sourceJrn: string;
  description?: string;
  enable?: boolean;
}

export interface FcTriggerUpdate {
  description?: string;
  triggerConfig?: string;
  enable?: boolean;
}

/** describeInstanceTypes (§3.1): the cpu/memory pairs a region offers. */
export const instanceTypesResultSchema = z.object({
  instanceTypes: z.nullish(z.array(z.object({ cpu: z.number(), memorySize: z.number(), instanceType: text }))),
  totalCount: count,
});
export const runtimesResultSchema = z.object({ runtimes: z.nullish(z.array(z.string())), totalCount: count });
export const serviceResultSchema = z.object({ service: serviceSchema });
export const serviceNameResultSchema = z.object({ serviceName: z.nullish(z.string()) });
export const functionsResultSchema = z.object({ functions: z.nullish(z.array(functionSchema)), totalCount: count });
export const functionResultSchema = z.object({ function: functionSchema });
export const functionNameResultSchema = z.object({ functionName: z.nullish(z.string()) });
export const functionCodeResultSchema = z.object({ checkSum: text, url: text });
export const triggersResultSchema = z.object({ triggers: z.nullish(z.array(triggerSchema)), totalCount: count });
export const triggerNameResultSchema = z.object({ triggerName: z.nullish(z.string()) });
/** Update, delete and invoke answer `{}`; some gateways omit `result` altogether. */
export const emptyResultSchema = z.unknown();
