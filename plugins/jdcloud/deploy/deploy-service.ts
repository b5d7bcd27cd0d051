import type { FcApi, FcFunction } from '../../../src/adapters/jdcloud/fc/index.js';
import type { FunctionConfig, ServiceConfig } from '../config/read-service-config.js';
import {
  checksumMatches,
  compareTrigger,
  desiredFunctionSettings,
  desiredTriggerSpec,
  functionSettingsChanges,
} from './desired-specs.js';

export interface DeployArtifact {
  zip: Buffer;
  /** Lower-case hex SHA-256 of `zip`. */
  sha256: string;
  /** The runtime the bundle was built for. */
  runtime: string;
}

export interface DeployInput {
  config: ServiceConfig;
  /** One zip per function key. */
  artifacts: ReadonlyMap<string, DeployArtifact>;
  fc: FcApi;
  /** Each function's runtime, chosen before packaging (deploy-plan.ts). */
  runtimes: Readonly<Record<string, string>>;
  /** One line per change, as it is made (never a secret: environment values are not shown). */
  onChange?: (line: string) => void;
}

export interface DeploySummary {
  fcServiceName: string;
  region: string;
  /** The runtime of each function, by key. */
  runtimes: Record<string, string>;
  /** Every write made, in order; empty when the deployment already matched. */
  changes: string[];
}

/**
 * Makes fc match serverless.yml (issue 5): the service, each function (code, runtime, handler,
 * cpu and memory, timeout, environment) and its OSS triggers are created when missing, updated only in
 * what differs, and deleted when no longer configured. With nothing changed, it only reads.
 */
export async function deployService(input: DeployInput): Promise<DeploySummary> {
  const { config, fc } = input;
  const region = config.region;
  const serviceName = config.fcServiceName;
  const changes: string[] = [];
  const record = (line: string): void => {
    changes.push(line);
    input.onChange?.(line);
  };

  const runtimes = { ...input.runtimes };
  const service = await fc.findService(region, serviceName);
  if (service === undefined) {
    await fc.createService(region, { serviceName, ...(config.description !== undefined ? { description: config.description } : {}) });
    record(`created service ${serviceName}`);
  } else if (config.description !== undefined && (service.description ?? '') !== config.description) {
    await fc.updateService(region, serviceName, { description: config.description });
    record(`updated service ${serviceName} (description)`);
  }

  const deployedFunctions = service === undefined ? [] : await fc.listFunctions(region, serviceName);
  const wanted = new Set(config.functions.map((fn) => fn.key));
  for (const stale of deployedFunctions.filter((fn) => !wanted.has(fn.functionName))) {
    await fc.deleteFunction(region, serviceName, stale.functionName, { deleteTrigger: true });
    record(`deleted function ${stale.functionName} (no longer in serverless.yml)`);
  }

  for (const fn of config.functions) {
    const artifact = input.artifacts.get(fn.key);
    if (artifact === undefined) throw new Error(`no package for function ${fn.key}; run serverless package first`);
    const deployed = deployedFunctions.find((candidate) => candidate.functionName === fn.key);
    await deployFunction({ fc, region, serviceName, fn, runtime: runtimes[fn.key] ?? '', artifact, deployed, record });
  }
  return { fcServiceName: serviceName, region, runtimes, changes };
}

interface FunctionDeployment {
  fc: FcApi;
  region: string;
  serviceName: string;
  fn: FunctionConfig;
  runtime: string;
  artifact: DeployArtifact;
  deployed: FcFunction | undefined;
  record: (line: string) => void;
}

async function deployFunction(input: FunctionDeployment): Promise<void> {
  const { fc, region, serviceName, fn, artifact, record } = input;
  const settings = desiredFunctionSettings(fn, input.runtime);
  if (input.deployed === undefined) {
    await fc.createFunction(region, serviceName, {
      functionName: fn.key,
      code: { zipFile: artifact.zip.toString('base64') },
      ...settings,
    });
    record(`created function ${fn.key} (${settings.runtime}, ${(artifact.zip.length / 1024).toFixed(0)} KB zip)`);
  } else {
    const changes = functionSettingsChanges(input.deployed, settings);
    const code = await fc.describeFunctionCode(region, serviceName, fn.key);
    if (!checksumMatches(code.checkSum, artifact.sha256)) changes.code = { zipFile: artifact.zip.toString('base64') };
    if (Object.keys(changes).length > 0) {
      await fc.updateFunction(region, serviceName, fn.key, changes);
      record(`updated function ${fn.key} (${Object.keys(changes).join(', ')})`);
    }
  }

  const deployedTriggers = input.deployed === undefined ? [] : await fc.listTriggers(region, serviceName, fn.key);
  const specs = fn.triggers.map((trigger) => desiredTriggerSpec(region, trigger));
  // Deletions first: JD refuses a second binding of the same bucket filter, and counts triggers.
  const toCreate = specs.filter((spec) => !deployedTriggers.some((trigger) => trigger.triggerName === spec.triggerName));
  for (const trigger of deployedTriggers) {
    const spec = specs.find((candidate) => candidate.triggerName === trigger.triggerName);
    if (spec === undefined) {
      await fc.deleteTrigger(region, serviceName, fn.key, trigger.triggerName);
      record(`deleted trigger ${fn.key}/${trigger.triggerName} (no longer in serverless.yml)`);
      continue;
    }
    const difference = compareTrigger(trigger, spec);
    if (difference.kind === 'replace') {
      await fc.deleteTrigger(region, serviceName, fn.key, trigger.triggerName);
      record(`deleted trigger ${fn.key}/${trigger.triggerName} to recreate it (${difference.reason})`);
      toCreate.push(spec);
    } else if (difference.kind === 'update') {
      await fc.updateTrigger(region, serviceName, fn.key, trigger.triggerName, difference.update);
      record(`updated trigger ${fn.key}/${trigger.triggerName} (${Object.keys(difference.update).join(', ')})`);
    }
  }
  for (const spec of specs.filter((candidate) => toCreate.includes(candidate))) {
    await fc.createTrigger(region, serviceName, fn.key, spec);
    record(`created trigger ${fn.key}/${spec.triggerName} (${spec.sourceJrn} ${spec.triggerConfig})`);
  }
}
