import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Problem } from '../../../src/kernel/index.js';
import { ServiceConfigInvalidError } from '../errors/service-config-invalid-error.js';
import { bucketNameProblem } from './bucket-name.js';
import { environmentProblems } from './environment-limits.js';
import { fcLimits, fcResourceNamePattern, isRegionId } from '../../../src/domain/jdcloud-rules/index.js';
import { runtimeProblem } from './node-runtime.js';
import { defaultOssEventTypes, normalizeOssEventType, ossEventTypes, type OssEventType } from './oss-event-types.js';
import { findTriggerOverlaps } from './trigger-overlap.js';

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
  memorySize?: number;
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

export interface ReadServiceConfigResult {
  config: ServiceConfig;
  /** Things that deploy but probably not as meant (overlapping triggers, no filter). */
  warnings: Problem[];
}

const handlerExtensions = ['.ts', '.mts', '.js', '.mjs', '.cjs'];

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function integer(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) ? value : undefined;
}

function record(value: unknown): Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/**
 * An `environment` map. A variable whose value is empty is left out, so `${env:NAME, ''}` in
 * serverless.yml means "only when set"; `invoke local` then keeps the shell's value.
 */
function environmentRecord(value: unknown): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, item] of Object.entries(record(value))) if (typeof item === 'string' && item !== '') result[name] = item;
  return result;
}

function resourceNameProblem(field: string, name: string, what: string): Problem | undefined {
  if (fcResourceNamePattern.test(name)) return undefined;
  return {
    code: 'invalid-resource-name',
    field,
    value: name,
    message: `${field}: "${name}" cannot be an fc ${what} name: use at most ${fcLimits.maxResourceNameLength} letters, digits, "_", "-" or Chinese characters.`,
  };
}

function readTimeout(field: string, value: unknown, problems: Problem[]): number | undefined {
  const timeout = integer(value);
  if (timeout !== undefined && (timeout < fcLimits.minTimeoutSeconds || timeout > fcLimits.maxTimeoutSeconds)) {
    problems.push({
      code: 'timeout-out-of-range',
      field,
      value: String(timeout),
      message: `${field}: ${timeout} seconds is outside fc's range; use ${fcLimits.minTimeoutSeconds} to ${fcLimits.maxTimeoutSeconds}.`,
    });
  }
  return timeout;
}

function resolveHandler(serviceDir: string, key: string, handler: string, problems: Problem[]): { file: string; exportName: string } | undefined {
  const field = `functions.${key}.handler`;
  const dot = handler.lastIndexOf('.');
  const exportName = handler.slice(dot + 1);
  const stem = handler.slice(0, dot);
  if (dot <= 0 || !/^[A-Za-z_$][\w$]*$/.test(exportName)) {
    problems.push({
      code: 'invalid-handler',
      field,
      value: handler,
      message: `${field}: "${handler}" is not <file path without extension>.<exported function>, e.g. functions/import-image/handler.handler.`,
    });
    return undefined;
  }
  const file = handlerExtensions.map((extension) => join(serviceDir, stem + extension)).find((candidate) => existsSync(candidate));
  if (file === undefined) {
    problems.push({
      code: 'handler-file-missing',
      field,
      value: handler,
      message: `${field}: no file ${stem}{${handlerExtensions.join(',')}} in the service directory; fix the path before the last ".".`,
    });
    return undefined;
  }
  return { file, exportName };
}

function readTriggers(key: string, events: unknown, problems: Problem[], warnings: Problem[]): TriggerConfig[] {
  const triggers: TriggerConfig[] = [];
  const list = Array.isArray(events) ? events : [];
  for (const [index, item] of list.entries()) {
    const oss = record(record(item)['oss']);
    const where = `functions.${key}.events[${index}].oss`;
    const bucket = text(oss['bucket']) ?? '';
    const bucketProblem = bucketNameProblem(`${where}.bucket`, bucket);
    if (bucketProblem !== undefined) problems.push(bucketProblem);

    const eventTypes: OssEventType[] = [];
    const rawEvents = Array.isArray(oss['events']) ? (oss['events'] as unknown[]) : defaultOssEventTypes;
    for (const [eventIndex, rawEvent] of rawEvents.entries()) {
      const type = normalizeOssEventType(String(rawEvent));
      if (type === undefined) {
        problems.push({
          code: 'unsupported-event-type',
          field: `${where}.events[${eventIndex}]`,
          value: String(rawEvent),
          message: `${where}.events[${eventIndex}]: "${String(rawEvent)}" is not an OSS event type fc triggers on; use one of ${ossEventTypes.join(', ')} (the "oss:" may also be written "s3:").`,
        });
      } else if (!eventTypes.includes(type)) eventTypes.push(type);
    }

    const filter = record(oss['filter']);
    const prefix = text(filter['prefix']) ?? '';
    const suffix = text(filter['suffix']) ?? '';
    for (const [name, value] of [['prefix', prefix], ['suffix', suffix]] as const) {
      if (Buffer.byteLength(value) > fcLimits.maxFilterValueBytes) {
        problems.push({
          code: 'filter-too-long',
          field: `${where}.filter.${name}`,
          value: `${Buffer.byteLength(value)} bytes`,
          message: `${where}.filter.${name} is ${Buffer.byteLength(value)} bytes; OSS allows at most ${fcLimits.maxFilterValueBytes}.`,
        });
      }
    }
    if (prefix === '' && suffix === '') {
      warnings.push({
        code: 'trigger-without-filter',
        field: `${where}.filter`,
        message: `${where} has no filter, so every object written to bucket "${bucket}" runs the function, including the status records it writes. Set filter.suffix (e.g. ".qcow2") or filter.prefix; JD strongly recommends a filter to avoid invocation loops.`,
      });
    }

    const name = text(oss['name']) ?? `oss-${index + 1}`;
    const nameProblem = resourceNameProblem(`${where}.name`, name, 'trigger');
    if (nameProblem !== undefined) problems.push(nameProblem);
    if (triggers.some((other) => other.name === name)) {
      problems.push({
        code: 'duplicate-trigger-name',
        field: `${where}.name`,
        value: name,
        message: `${where}.name: "${name}" is already used by another trigger of function ${key}; trigger names must be unique per function.`,
      });
    }
    const description = text(oss['description']);
    triggers.push({
      where,
      name,
      bucket,
      events: eventTypes,
      prefix,
      suffix,
      ...(description !== undefined ? { description } : {}),
      enabled: oss['enabled'] !== false,
    });
  }
  if (triggers.length > fcLimits.maxTriggersPerFunction) {
    problems.push({
      code: 'too-many-triggers',
      field: `functions.${key}.events`,
      value: String(triggers.length),
      message: `functions.${key}.events has ${triggers.length} oss triggers; fc allows at most ${fcLimits.maxTriggersPerFunction} per function. Combine filters, or split the work into another function.`,
    });
  }
  return triggers;
}

/**
 * Turns the framework's view of serverless.yml into what the plugin deploys, checking every
 * JD Cloud rule that can be checked offline (`checkHandlers: false` skips the handler files). Throws ServiceConfigInvalidError listing all
 * problems; returns warnings for things that deploy but misbehave.
 */
export function readServiceConfig(view: ServerlessServiceView, options: { checkHandlers?: boolean } = {}): ReadServiceConfigResult {
  const checkHandlers = options.checkHandlers ?? true;
  const problems: Problem[] = [];
  const warnings: Problem[] = [];
  const provider = view.provider;

  const region = text(provider['region']);
  if (region === undefined || region.trim() === '') {
    problems.push({
      code: 'missing-region',
      field: 'provider.region',
      message: 'provider.region is missing: set it in serverless.yml to the JD Cloud region of the bucket, e.g. "region: cn-north-1".',
    });
  } else if (!isRegionId(region)) {
    problems.push({
      code: 'invalid-region',
      field: 'provider.region',
      value: region,
      message: `provider.region: "${region}" is not a JD Cloud region id; use one like cn-north-1, cn-east-1, cn-east-2 or cn-south-1.`,
    });
  }

  const runtime = text(provider['runtime']);
  const runtimeIssue = runtime === undefined ? undefined : runtimeProblem('provider.runtime', runtime);
  if (runtimeIssue !== undefined) problems.push(runtimeIssue);

  const fcServiceName = text(provider['serviceName']) ?? `${view.service}-${view.stage}`;
  const serviceNameIssue = resourceNameProblem(provider['serviceName'] === undefined ? 'service and stage ("<service>-<stage>")' : 'provider.serviceName', fcServiceName, 'service');
  if (serviceNameIssue !== undefined) problems.push(serviceNameIssue);

  const providerTimeout = readTimeout('provider.timeout', provider['timeout'], problems);
  const providerEnvironment = environmentRecord(provider['environment']);
  const bundle = record(provider['bundle']);

  const functions: FunctionConfig[] = [];
  for (const [key, fn] of Object.entries(view.functions)) {
    const nameIssue = resourceNameProblem(`functions.${key}`, key, 'function');
    if (nameIssue !== undefined) problems.push(nameIssue);
    // remove, info and invoke need no code, so a moved handler file must not block them.
    const handler = resolveHandler(view.serviceDir, key, text(fn['handler']) ?? '', checkHandlers ? problems : []);
    const functionRuntime = text(fn['runtime']);
    const functionRuntimeIssue = functionRuntime === undefined ? undefined : runtimeProblem(`functions.${key}.runtime`, functionRuntime);
    if (functionRuntimeIssue !== undefined) problems.push(functionRuntimeIssue);
    const environment = { ...providerEnvironment, ...environmentRecord(fn['environment']) };
    problems.push(...environmentProblems(`functions.${key}.environment (with provider.environment)`, environment));
    const timeout = readTimeout(`functions.${key}.timeout`, fn['timeout'], problems) ?? providerTimeout;
    const memorySize = integer(fn['memorySize']) ?? integer(provider['memorySize']);
    const description = text(fn['description']);
    const exportName = handler?.exportName ?? 'handler';
    functions.push({
      key,
      handlerFile: handler?.file ?? '',
      handlerExport: exportName,
      fcHandler: `index.${exportName}`,
      ...(functionRuntime !== undefined ? { runtime: functionRuntime } : {}),
      ...(description !== undefined ? { description } : {}),
      ...(memorySize !== undefined ? { memorySize } : {}),
      ...(timeout !== undefined ? { timeout } : {}),
      environment,
      triggers: readTriggers(key, fn['events'], problems, warnings),
    });
  }

  const overlaps = findTriggerOverlaps(functions.flatMap((fn) => fn.triggers));
  problems.push(...overlaps.errors);
  warnings.push(...overlaps.warnings);

  if (problems.length > 0) throw new ServiceConfigInvalidError(problems);
  const description = text(provider['description']);
  return {
    config: {
      serviceDir: view.serviceDir,
      region: region ?? '',
      fcServiceName,
      ...(description !== undefined ? { description } : {}),
      ...(runtime !== undefined ? { runtime } : {}),
      bundle: { sourcemap: bundle['sourcemap'] === true, minify: bundle['minify'] !== false, awsDefaultCredentialChain: bundle['awsDefaultCredentialChain'] === true },
      functions,
    },
    warnings,
  };
}
