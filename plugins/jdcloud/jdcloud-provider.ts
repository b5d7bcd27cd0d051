import { join, relative, resolve } from 'node:path';
import { createJdCloudClient, JdCloudError, loadCredentials } from '../../src/adapters/jdcloud/index.js';
import { createFcApi, type FcApi } from '../../src/adapters/jdcloud/fc/index.js';
import type { Problem } from '../../src/kernel/index.js';
import { jdcloudProviderSchema } from './config/config-schema.js';
import { endOfLifeWarning, nodeMajorOf } from './config/node-runtime.js';
import { defaultFcEndpoint } from '../../src/domain/jdcloud-rules/index.js';
import { readServiceConfig, type FunctionConfig, type ServiceConfig } from './config/read-service-config.js';
import { chooseRuntimes, planDeploy, type DeployPlan } from './deploy/deploy-plan.js';
import { deployService, type DeployArtifact } from './deploy/deploy-service.js';
import { describeDeployment, formatDeploymentInfo } from './deploy/describe-deployment.js';
import { removeService } from './deploy/remove-service.js';
import { JdCloudPluginError } from './errors.js';
import { invokeLocal } from './invoke/invoke-local.js';
import { optionText, readEvent, type CliOptions } from './invoke/read-event.js';
import { cleanPackageDir, localBundleDir, packageFunction, readFunctionArtifact } from './package/package-functions.js';

/** The parts of the Serverless Framework instance the provider uses (osls 4 / v3 plugin API). */
export interface ServerlessFramework {
  serviceDir: string;
  service: {
    service: string;
    provider: Record<string, unknown>;
    functions: Record<string, Record<string, unknown>>;
    package?: { path?: string };
    getFunction(name: string): Record<string, unknown>;
  };
  configSchemaHandler: { defineProvider(name: string, schema: object): void };
  /** The command line as osls parsed it, e.g. `{ commands: ['deploy'] }`. */
  processedInput?: { commands?: string[] };
  classes: { Error: new (message: string, code?: string, options?: { cause?: unknown }) => Error };
}

/** The writers osls hands an external plugin: `log` to stderr, `writeText` to stdout. */
export interface PluginLogging {
  log: { notice(text: string): void; warning(text: string): void; success(text: string): void };
  writeText(text: string): void;
}

export type { CliOptions } from './invoke/read-event.js';

/** Every lifecycle event the provider implements; plugins/jdcloud/index.js registers these names. */
export const providerHookNames = [
  'before:package:createDeploymentArtifacts',
  'deploy:deploy',
  'remove:remove',
  'info:info',
  'invoke:invoke',
  'invoke:local:invoke',
] as const;

export type ProviderHookName = (typeof providerHookNames)[number];

export interface JdCloudProvider {
  configSchema: typeof jdcloudProviderSchema;
  hooks: Record<ProviderHookName, () => Promise<void>>;
}

/**
 * The JD Cloud Function Compute provider: reads serverless.yml, bundles and zips each function,
 * and deploys, removes, describes and invokes it through the fc OpenAPI. The plugin entry
 * (index.js) calls these hooks; errors meant for the user are turned into the framework's own.
 */
export function createJdCloudProvider(serverless: ServerlessFramework, options: CliOptions, logging: PluginLogging): JdCloudProvider {
  const defaultPackageDir = (): string => resolve(serverless.serviceDir, serverless.service.package?.path ?? '.serverless');

  const fcEndpoint = (): string => process.env['JDCLOUD_FC_ENDPOINT'] || defaultFcEndpoint;
  const isDeploy = (): boolean => serverless.processedInput?.commands?.join(' ') === 'deploy';
  // deploy reads serverless.yml twice (its package step, then deploy): warn once.
  const warned = new Set<string>();
  const warnOnce = (message: string): void => {
    if (!warned.has(message)) logging.log.warning(message);
    warned.add(message);
  };
  const printProblems = (warnings: readonly Problem[]): void => {
    for (const warning of warnings) warnOnce(warning.message);
  };

  const readConfig = (checkHandlers = true): ServiceConfig => {
    const provider = serverless.service.provider;
    const { config, warnings } = readServiceConfig(
      {
        serviceDir: serverless.serviceDir,
        service: serverless.service.service,
        stage: optionText(options, 'stage') ?? (typeof provider['stage'] === 'string' ? provider['stage'] : 'dev'),
        provider,
        functions: serverless.service.functions,
      },
      { checkHandlers, fcEndpoint: fcEndpoint() },
    );
    printProblems(warnings);
    return config;
  };

  const withFcApi = async <T>(use: (fc: FcApi) => Promise<T>): Promise<T> => {
    // Credentials are read here and handed to the signer only; they are never logged or packaged.
    const credentials = loadCredentials(process.env);
    const client = createJdCloudClient({ endpoint: fcEndpoint(), service: 'fc', credentials, userAgent: 'oss-image-import serverless-jdcloud' });
    try {
      return await use(createFcApi(client));
    } finally {
      await client.close();
    }
  };

  const functionConfig = (config: ServiceConfig): FunctionConfig => {
    const key = optionText(options, 'function') ?? '';
    serverless.service.getFunction(key); // throws the framework's own "function not in service" error
    const fn = config.functions.find((candidate) => candidate.key === key);
    if (fn === undefined) throw new JdCloudPluginError(`Function "${key}" is not in serverless.yml.`, 'JDCLOUD_UNKNOWN_FUNCTION');
    return fn;
  };

  /**
   * deploy settles the runtimes (and so the bundle's Node major) before it packages: credentials
   * first, then describeRuntimes and describeInstanceTypes; nothing is written yet.
   */
  let plan: DeployPlan | undefined;
  const deployPlan = async (config: ServiceConfig): Promise<DeployPlan> => {
    plan ??= await withFcApi((fc) => planDeploy(config, fc));
    const today = new Date().toISOString().slice(0, 10);
    for (const runtime of new Set(Object.values(plan.runtimes))) {
      const warning = endOfLifeWarning(runtime, today);
      if (warning !== undefined) warnOnce(warning);
    }
    return plan;
  };

  const packageAll = async (): Promise<void> => {
    const config = readConfig();
    const runtimes = isDeploy() ? (await deployPlan(config)).runtimes : chooseRuntimes(config);
    const packageDir = optionText(options, 'package') === undefined ? defaultPackageDir() : resolve(optionText(options, 'package') ?? '');
    await cleanPackageDir(packageDir, config.functions.map((fn) => fn.key));
    for (const fn of config.functions) {
      const artifact = await packageFunction(config, fn, packageDir, runtimes[fn.key] ?? '');
      for (const warning of artifact.warnings) logging.log.warning(`esbuild (${fn.key}): ${warning}`);
      // The framework's own packaging skips functions that already have an artifact.
      serverless.service.getFunction(fn.key)['package'] = { artifact: relative(serverless.serviceDir, artifact.zipPath) };
      logging.log.notice(
        `Packaged ${fn.key}: ${relative(serverless.serviceDir, artifact.zipPath)}, ${(artifact.zipBytes / 1024).toFixed(1)} KB zip, ${(artifact.unzippedBytes / 1024).toFixed(1)} KB unzipped (${artifact.entryNames.join(', ')}), built for ${artifact.runtime}`,
      );
    }
  };

  const hooks: Record<ProviderHookName, () => Promise<void>> = {
    'before:package:createDeploymentArtifacts': packageAll,

    'deploy:deploy': async () => {
      const config = readConfig();
      const packageDir = optionText(options, 'package') === undefined ? defaultPackageDir() : resolve(optionText(options, 'package') ?? '');
      const artifacts = new Map<string, DeployArtifact>();
      for (const fn of config.functions) {
        const artifact = await readFunctionArtifact(packageDir, fn.key);
        artifacts.set(fn.key, { zip: artifact.zip, sha256: artifact.sha256, runtime: artifact.runtime });
      }
      const { runtimes } = await deployPlan(config);
      for (const fn of config.functions) {
        const built = artifacts.get(fn.key)?.runtime ?? '';
        const target = runtimes[fn.key] ?? '';
        // A bundle runs on its Node major and later ones; one built for a newer Node may not load.
        if ((nodeMajorOf(built) ?? 0) > (nodeMajorOf(target) ?? 0)) {
          throw new JdCloudPluginError(
            `The package of function "${fn.key}" was built for ${built}, but it would be deployed on ${target}. Package it again (serverless package, or deploy without --package).`,
            'JDCLOUD_PACKAGE_RUNTIME',
          );
        }
      }
      for (const fn of config.functions) {
        // Deploys fine, then every invocation fails with MissingCredentialsError: say so now.
        if (fn.environment['JDCLOUD_ACCESS_KEY_ID'] === undefined || fn.environment['JDCLOUD_SECRET_ACCESS_KEY'] === undefined) {
          logging.log.warning(
            `Function ${fn.key} is deployed without JDCLOUD_ACCESS_KEY_ID / JDCLOUD_SECRET_ACCESS_KEY in its environment: its calls to OSS and the VM API will fail. ` +
              'Set IMPORT_FUNCTION_ACCESS_KEY_ID and IMPORT_FUNCTION_SECRET_ACCESS_KEY (docs/deploy.md, Permissions) and deploy again.',
          );
        }
      }
      const summary = await withFcApi((fc) => deployService({ config, artifacts, runtimes, fc, onChange: (line) => logging.log.notice(line) }));
      const runtimeList = [...new Set(Object.values(summary.runtimes))].join(', ');
      logging.log.success(
        summary.changes.length === 0
          ? `No changes: service ${summary.fcServiceName} in ${summary.region} already matches serverless.yml (${runtimeList}).`
          : `Deployed service ${summary.fcServiceName} to ${summary.region} (${runtimeList}): ${summary.changes.length} change${summary.changes.length === 1 ? '' : 's'}.`,
      );
    },

    'remove:remove': async () => {
      const config = readConfig(false);
      const summary = await withFcApi((fc) =>
        removeService({ fc, region: config.region, fcServiceName: config.fcServiceName, onChange: (line) => logging.log.notice(line) }),
      );
      logging.log.success(
        summary.existed ? `Removed service ${summary.fcServiceName} from ${config.region}.` : `Nothing to remove: service ${summary.fcServiceName} is not deployed in ${config.region}.`,
      );
    },

    'info:info': async () => {
      const config = readConfig(false);
      const info = await withFcApi((fc) => describeDeployment({ fc, region: config.region, fcServiceName: config.fcServiceName }));
      logging.writeText(formatDeploymentInfo(info).join('\n'));
    },

    'invoke:invoke': async () => {
      const config = readConfig(false);
      const fn = functionConfig(config);
      const { text } = await readEvent(serverless.serviceDir, options);
      const { requestId } = await withFcApi((fc) => fc.invokeFunction(config.region, config.fcServiceName, fn.key, text));
      logging.writeText(JSON.stringify({ function: fn.key, service: config.fcServiceName, invocationType: 'Async', requestId }, null, 2));
    },

    'invoke:local:invoke': async () => {
      const config = readConfig();
      const fn = functionConfig(config);
      const { event } = await readEvent(serverless.serviceDir, options);
      const packageDir = defaultPackageDir();
      // The same bundle `serverless package` ships: built for the runtime serverless.yml names,
      // else for nodejs16 (deploy-plan.ts chooseRuntimes).
      await packageFunction(config, fn, packageDir, chooseRuntimes(config)[fn.key] ?? '');
      const extraEnvironment: Record<string, string> = {};
      const envOption = options['env'];
      for (const item of Array.isArray(envOption) ? envOption : typeof envOption === 'string' ? [envOption] : []) {
        const [name = '', ...value] = String(item).split('=');
        extraEnvironment[name] = value.join('=');
      }
      const result = await invokeLocal({ config, fn, bundleFile: join(localBundleDir(packageDir, fn.key), 'index.js'), event, extraEnvironment });
      logging.writeText(JSON.stringify(result ?? null, null, 2));
    },
  };

  return { configSchema: jdcloudProviderSchema, hooks };
}

/**
 * Errors the user can act on (bad serverless.yml, missing credentials, an API refusal) become the
 * framework's error type, which it prints as a message without a stack trace.
 */
export function toFrameworkError(serverless: ServerlessFramework, error: unknown): unknown {
  if (error instanceof JdCloudPluginError) return new serverless.classes.Error(error.message, error.code, { cause: error });
  if (error instanceof JdCloudError) return new serverless.classes.Error(error.message, error.name, { cause: error });
  return error;
}
