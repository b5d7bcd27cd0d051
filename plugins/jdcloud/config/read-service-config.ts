import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as z from '../../../src/kernel/zod.js';
import type { Problem } from '../../../src/kernel/index.js';
import { defaultFcEndpoint, fcFunctionDefaults, fcLimits, isRegionId } from '../../../src/domain/jdcloud-rules/index.js';
import { ServiceConfigInvalidError } from '../errors.js';
import { environmentProblems } from './environment-limits.js';
import { resolveInstanceType } from './function-resources.js';
import { followerTimeoutWarning } from './follower-timeout.js';
import { platformEnvironment, type PlatformFacts } from './platform-environment.js';
import { runtimeProblem } from './node-runtime.js';
import { readTriggers } from './read-triggers.js';
import { resourceNameProblem } from './resource-name.js';
import { findTriggerOverlaps } from './trigger-overlap.js';
import {
  functionInputSchema,
  providerInputSchema,
  type FunctionConfig,
  type FunctionInput,
  type ProviderInput,
  type ServerlessServiceView,
  type ServiceConfig,
} from './service-config-shape.js';

export type { FunctionConfig, ServerlessServiceView, ServiceConfig, TriggerConfig } from './service-config-shape.js';

export interface ReadServiceConfigResult {
  config: ServiceConfig;
  /** Things that deploy but probably not as meant (overlapping triggers, no filter). */
  warnings: Problem[];
}

const handlerExtensions = ['.ts', '.mts', '.js', '.mjs', '.cjs'];

/** Parses one part of serverless.yml; a wrong type becomes a problem naming its path. */
function parsePart<T>(schema: z.ZodMiniType<T>, where: string, value: unknown, problems: Problem[]): T | undefined {
  const parsed = z.safeParse(schema, value ?? {});
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) {
    const field = [where, ...issue.path.map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`))].join('').replace(/\.\[/g, '[');
    problems.push({ code: 'invalid-config-type', field, message: `${field}: ${issue.message}.` });
  }
  return undefined;
}

function timeoutProblem(field: string, timeout: number | undefined): Problem | undefined {
  if (timeout === undefined || (Number.isInteger(timeout) && timeout >= fcLimits.minTimeoutSeconds && timeout <= fcLimits.maxTimeoutSeconds)) return undefined;
  return {
    code: 'timeout-out-of-range',
    field,
    value: String(timeout),
    message: `${field}: ${timeout} seconds is outside fc's range; use ${fcLimits.minTimeoutSeconds} to ${fcLimits.maxTimeoutSeconds}.`,
  };
}

function regionProblem(region: string | undefined): Problem | undefined {
  if (region === undefined || region.trim() === '') {
    return {
      code: 'missing-region',
      field: 'provider.region',
      message: 'provider.region is missing: set it in serverless.yml to the JD Cloud region of the bucket, e.g. "region: cn-north-1".',
    };
  }
  if (isRegionId(region)) return undefined;
  return {
    code: 'invalid-region',
    field: 'provider.region',
    value: region,
    message: `provider.region: "${region}" is not a JD Cloud region id; use one like cn-north-1, cn-east-1, cn-east-2 or cn-south-1.`,
  };
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

interface FunctionContext {
  view: ServerlessServiceView;
  provider: ProviderInput;
  platform: PlatformFacts;
  checkHandlers: boolean;
  problems: Problem[];
  warnings: Problem[];
}

function readFunction(context: FunctionContext, key: string, fn: FunctionInput): FunctionConfig {
  const { view, provider, problems } = context;
  const add = (problem: Problem | undefined): void => {
    if (problem !== undefined) problems.push(problem);
  };
  add(resourceNameProblem(`functions.${key}`, key, 'function'));
  // remove, info and invoke need no code, so a moved handler file must not block them.
  const handler = resolveHandler(view.serviceDir, key, fn.handler ?? '', context.checkHandlers ? problems : []);
  if (fn.runtime !== undefined) add(runtimeProblem(`functions.${key}.runtime`, fn.runtime));
  add(timeoutProblem(`functions.${key}.timeout`, fn.timeout));
  const timeout = fn.timeout ?? provider.timeout;
  const platform = platformEnvironment(context.platform, key, timeout ?? fcFunctionDefaults.timeout);
  const environment = { ...provider.environment, ...fn.environment, ...platform };
  const environmentField = `functions.${key}.environment (with provider.environment and the ${Object.keys(platform).length} the plugin adds)`;
  problems.push(...environmentProblems(environmentField, environment));
  // A function that sets cpu or memorySize takes its instance type from those alone.
  const own = fn.cpu !== undefined || fn.memorySize !== undefined;
  const instance = resolveInstanceType(own ? `functions.${key}` : 'provider', own ? fn : provider);
  if ('problem' in instance) add(instance.problem);
  const type = 'type' in instance ? instance.type : { cpu: 0, memorySize: 0 };
  const exportName = handler?.exportName ?? 'handler';
  return {
    key,
    handlerFile: handler?.file ?? '',
    handlerExport: exportName,
    fcHandler: `index.${exportName}`,
    ...(fn.runtime !== undefined ? { runtime: fn.runtime } : {}),
    ...(fn.description !== undefined ? { description: fn.description } : {}),
    cpu: type.cpu,
    memorySize: type.memorySize,
    ...(timeout !== undefined ? { timeout } : {}),
    environment,
    triggers: readTriggers(key, fn.events ?? [], problems, context.warnings),
  };
}

/**
 * Turns the framework's view of serverless.yml into what the plugin deploys, checking every
 * JD Cloud rule that can be checked offline (`checkHandlers: false` skips the handler files).
 * Throws ServiceConfigInvalidError listing all problems; returns warnings for things that
 * deploy but misbehave.
 */
export function readServiceConfig(view: ServerlessServiceView, options: { checkHandlers?: boolean; fcEndpoint?: string } = {}): ReadServiceConfigResult {
  const problems: Problem[] = [];
  const warnings: Problem[] = [];
  const provider = parsePart(providerInputSchema, 'provider', view.provider, problems);
  if (provider === undefined) {
    // The rules below need the provider's settings: report every wrongly typed part first.
    for (const [key, raw] of Object.entries(view.functions)) parsePart(functionInputSchema, `functions.${key}`, raw, problems);
    throw new ServiceConfigInvalidError(problems);
  }
  const add = (problem: Problem | undefined): void => {
    if (problem !== undefined) problems.push(problem);
  };
  add(regionProblem(provider.region));
  if (provider.runtime !== undefined) add(runtimeProblem('provider.runtime', provider.runtime));
  const fcServiceName = provider.serviceName ?? `${view.service}-${view.stage}`;
  add(resourceNameProblem(provider.serviceName === undefined ? 'service and stage ("<service>-<stage>")' : 'provider.serviceName', fcServiceName, 'service'));
  add(timeoutProblem('provider.timeout', provider.timeout));

  const refreshFunction = provider.refreshFunction ?? ('refreshStatus' in view.functions ? 'refreshStatus' : undefined);
  if (refreshFunction !== undefined && !(refreshFunction in view.functions)) {
    problems.push({
      code: 'unknown-refresh-function',
      field: 'provider.refreshFunction',
      value: refreshFunction,
      message: `provider.refreshFunction: "${refreshFunction}" is not a function of this service; name one under functions: (${Object.keys(view.functions).join(', ')}).`,
    });
  }
  const platform = { fcServiceName, region: provider.region ?? '', fcEndpoint: options.fcEndpoint ?? defaultFcEndpoint, refreshFunction };
  const context: FunctionContext = { view, provider, platform, checkHandlers: options.checkHandlers ?? true, problems, warnings };
  const functions: FunctionConfig[] = [];
  for (const [key, raw] of Object.entries(view.functions)) {
    const fn = parsePart(functionInputSchema, `functions.${key}`, raw, problems);
    if (fn !== undefined) functions.push(readFunction(context, key, fn));
  }

  const refresh = functions.find((fn) => fn.key === refreshFunction);
  const shortTimeout = refresh === undefined ? undefined : followerTimeoutWarning(refresh.key, refresh.timeout ?? fcFunctionDefaults.timeout);
  if (shortTimeout !== undefined) warnings.push(shortTimeout);

  const overlaps = findTriggerOverlaps(functions.flatMap((fn) => fn.triggers));
  problems.push(...overlaps.errors);
  warnings.push(...overlaps.warnings);

  if (problems.length > 0) throw new ServiceConfigInvalidError(problems);
  return {
    config: {
      serviceDir: view.serviceDir,
      region: provider.region ?? '',
      fcServiceName,
      ...(provider.description !== undefined ? { description: provider.description } : {}),
      ...(provider.runtime !== undefined ? { runtime: provider.runtime } : {}),
      bundle: {
        sourcemap: provider.bundle?.sourcemap === true,
        minify: provider.bundle?.minify !== false,
        awsDefaultCredentialChain: provider.bundle?.awsDefaultCredentialChain === true,
      },
      functions,
    },
    warnings,
  };
}
