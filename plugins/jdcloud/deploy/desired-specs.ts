import type { FcEnvironment, FcFunction, FcFunctionUpdate, FcTrigger, FcTriggerSpec, FcTriggerUpdate } from '../../../src/adapters/jdcloud/fc/index.js';
import { fcFunctionDefaults } from '../../../src/domain/jdcloud-rules/index.js';
import type { FunctionConfig, TriggerConfig } from '../config/read-service-config.js';

/** The function settings deploy keeps in sync (the code is compared by checksum). */
export interface FunctionSettings {
  runtime: string;
  handler: string;
  timeout: number;
  /** Always sent together: fc ties memory to cpu (docs §3.2). */
  cpu: number;
  memorySize: number;
  description: string;
  envs: FcEnvironment[];
}

export function desiredFunctionSettings(fn: FunctionConfig, runtime: string): FunctionSettings {
  return {
    runtime,
    handler: fn.fcHandler,
    // fc's default applies when serverless.yml has none, so removing a setting resets it.
    timeout: fn.timeout ?? fcFunctionDefaults.timeout,
    cpu: fn.cpu,
    memorySize: fn.memorySize,
    description: fn.description ?? '',
    envs: Object.entries(fn.environment).map(([name, value]) => ({ name, value })),
  };
}

function sameEnvironment(deployed: FcFunction['envs'], desired: readonly FcEnvironment[]): boolean {
  const deployedMap = new Map((deployed ?? []).map((env) => [env.name, env.value ?? '']));
  return deployedMap.size === desired.length && desired.every((env) => deployedMap.get(env.name) === (env.value ?? ''));
}

/** Only the settings that differ from what is deployed, in updateFunction's flat form. */
export function functionSettingsChanges(deployed: FcFunction, desired: FunctionSettings): FcFunctionUpdate {
  const changes: FcFunctionUpdate = {};
  if (deployed.runtime !== desired.runtime) changes.runtime = desired.runtime;
  if (deployed.handler !== desired.handler) changes.handler = desired.handler;
  if (deployed.timeout !== desired.timeout) changes.timeout = desired.timeout;
  // A changed instance type sends both halves: fc checks them as a pair.
  if (deployed.cpu !== desired.cpu || deployed.memorySize !== desired.memorySize) {
    changes.cpu = desired.cpu;
    changes.memorySize = desired.memorySize;
  }
  if ((deployed.description ?? '') !== desired.description) changes.description = desired.description;
  if (!sameEnvironment(deployed.envs, desired.envs)) changes.envs = desired.envs;
  return changes;
}

/**
 * fc reports the package checksum as SHA-256; the docs do not say in which encoding, so both
 * hex (any case) and base64 are accepted.
 */
export function checksumMatches(reported: string, sha256Hex: string): boolean {
  const trimmed = reported.trim();
  return trimmed.toLowerCase() === sha256Hex || trimmed === Buffer.from(sha256Hex, 'hex').toString('base64');
}

/** `jrn:oss:<regionId>::<bucket>` (docs §3.2 TriggerSpec.sourceJrn; the account field is empty). */
export function bucketJrn(region: string, bucket: string): string {
  return `jrn:oss:${region}::${bucket}`;
}

/**
 * The triggerConfig JSON text, in the documented form
 * `{"events":["oss:ObjectCreated:*"],"filter":{"key":{"prefix":"source","suffix":".zip"}}}`;
 * empty prefix/suffix rules are left out, and so is `filter` when both are.
 */
export function triggerConfigText(trigger: Pick<TriggerConfig, 'events' | 'prefix' | 'suffix'>): string {
  const key: { prefix?: string; suffix?: string } = {};
  if (trigger.prefix !== '') key.prefix = trigger.prefix;
  if (trigger.suffix !== '') key.suffix = trigger.suffix;
  return JSON.stringify({ events: [...trigger.events], ...(Object.keys(key).length > 0 ? { filter: { key } } : {}) });
}

/** A triggerConfig reduced to what matters (sorted events, non-empty rules), to compare two. */
function canonicalTriggerConfig(text: string | null | undefined): string | undefined {
  try {
    const parsed = JSON.parse(text ?? '') as { events?: unknown; filter?: { key?: { prefix?: unknown; suffix?: unknown } } };
    const events = Array.isArray(parsed.events) ? parsed.events.map(String) : [];
    const key = parsed.filter?.key ?? {};
    return JSON.stringify({
      events: [...new Set(events)].sort(),
      prefix: typeof key.prefix === 'string' ? key.prefix : '',
      suffix: typeof key.suffix === 'string' ? key.suffix : '',
    });
  } catch {
    return undefined;
  }
}

export function desiredTriggerSpec(region: string, trigger: TriggerConfig): FcTriggerSpec {
  return {
    triggerName: trigger.name,
    triggerType: 'oss',
    triggerConfig: triggerConfigText(trigger),
    sourceJrn: bucketJrn(region, trigger.bucket),
    description: trigger.description ?? '',
    enable: trigger.enabled,
  };
}

/** How a deployed trigger differs from the spec: nothing, fields updateTrigger can change, or its source. */
export type TriggerDifference = { kind: 'same' } | { kind: 'update'; update: FcTriggerUpdate } | { kind: 'replace'; reason: string };

export function compareTrigger(deployed: FcTrigger, desired: FcTriggerSpec): TriggerDifference {
  // updateTrigger cannot change the type or the bucket; such a trigger is deleted and created.
  if (deployed.triggerType !== desired.triggerType) return { kind: 'replace', reason: `type ${deployed.triggerType ?? '?'} → ${desired.triggerType}` };
  if (deployed.sourceJrn !== desired.sourceJrn) return { kind: 'replace', reason: `source ${deployed.sourceJrn ?? '?'} → ${desired.sourceJrn}` };
  const update: FcTriggerUpdate = {};
  const deployedConfig = canonicalTriggerConfig(deployed.triggerConfig);
  if (deployedConfig === undefined || deployedConfig !== canonicalTriggerConfig(desired.triggerConfig)) update.triggerConfig = desired.triggerConfig;
  if ((deployed.description ?? '') !== (desired.description ?? '')) update.description = desired.description ?? '';
  const deployedEnabled = deployed.status !== 'Disable';
  if (deployedEnabled !== (desired.enable ?? true)) update.enable = desired.enable ?? true;
  return Object.keys(update).length === 0 ? { kind: 'same' } : { kind: 'update', update };
}
