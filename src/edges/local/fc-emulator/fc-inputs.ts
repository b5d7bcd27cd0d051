import * as z from '../../../kernel/zod.js';
import { fcLimits, fcResourceNamePattern } from '../../../domain/jdcloud-rules/index.js';
import { invalid, type FcReply } from './fc-state.js';

// Request bodies of the fc operations the emulator serves (docs/reference/jdcloud-api.md
// §3.1–3.2), parsed with zod; fc's own messages are not documented, so each names the field.

const name = z.string().check(z.regex(fcResourceNamePattern));
const environment = z.object({ name: z.string(), value: z.optional(z.string()) });
const zipFile = z.pipe(
  z.string(),
  z.transform((text) => Buffer.from(text, 'base64')),
).check(z.refine((zip: Buffer) => zip.length >= 22 && zip.readUInt32LE(0) === 0x04034b50, 'code.zipFile is not the base64 of a zip file'));

/** The fields createFunction (in functionSpec) and updateFunction (flat) share. */
const functionFields = {
  runtime: z.optional(z.string()),
  handler: z.optional(z.string().check(z.minLength(1))),
  timeout: z.optional(z.int().check(z.gte(fcLimits.minTimeoutSeconds), z.lte(fcLimits.maxTimeoutSeconds))),
  description: z.optional(z.string()),
  envs: z.optional(z.array(environment).check(z.maxLength(fcLimits.maxEnvironmentVariables))),
  cpu: z.optional(z.number()),
  memorySize: z.optional(z.int()),
  code: z.optional(z.object({ zipFile })),
};

export const createServiceBody = z.object({ serviceSpec: z.object({ serviceName: name, description: z.optional(z.string()) }) });
export const updateServiceBody = z.object({ description: z.optional(z.string()) });
export const createFunctionBody = z.object({
  functionSpec: z.object({ ...functionFields, functionName: name, runtime: z.string(), handler: z.string().check(z.minLength(1)), code: z.object({ zipFile }) }),
});
export const updateFunctionBody = z.object(functionFields);
export type FunctionFields = z.infer<typeof updateFunctionBody>;
export const invokeBody = z.object({ body: z.optional(z.string()) });
export const createTriggerBody = z.object({
  triggerSpec: z.object({
    triggerName: name,
    triggerType: z.literal('oss'),
    triggerConfig: z.string(),
    sourceJrn: z.string(),
    description: z.optional(z.string()),
    enable: z.optional(z.boolean()),
  }),
});
export const updateTriggerBody = z.object({ triggerConfig: z.optional(z.string()), description: z.optional(z.string()), enable: z.optional(z.boolean()) });

const triggerConfigSchema = z.object({
  events: z.array(z.string()).check(z.minLength(1)),
  filter: z.optional(z.object({ key: z.optional(z.object({ prefix: z.optional(z.string()), suffix: z.optional(z.string()) })) })),
});

/** `triggerConfig` JSON text (§3.3), or undefined when it is not JSON with a non-empty `events`. */
export function parseTriggerConfig(text: string): { events: string[]; prefix: string; suffix: string } | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = z.safeParse(triggerConfigSchema, json);
  if (!parsed.success) return undefined;
  return { events: parsed.data.events, prefix: parsed.data.filter?.key?.prefix ?? '', suffix: parsed.data.filter?.key?.suffix ?? '' };
}

/**
 * Parses a body with one of the schemas above; when it does not fit, the reply to send, with
 * `functionSpec.timeout: Too big: expected number to be <=900`-style text for the first issue.
 */
export function parseBody<T>(schema: z.ZodMiniType<T>, body: unknown): { data: T } | { reply: FcReply } {
  const parsed = z.safeParse(schema, body ?? {});
  if (parsed.success) return { data: parsed.data };
  const issue = parsed.error.issues[0];
  const path = issue?.path.map(String).join('.') ?? '';
  return { reply: invalid(path === '' ? (issue?.message ?? 'invalid body') : `${path}: ${issue?.message ?? 'invalid'}`) };
}
