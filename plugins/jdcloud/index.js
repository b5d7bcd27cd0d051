// The Serverless Framework (osls) entry of the JD Cloud Function Compute provider.
//
// osls loads a plugin with require() (import() when the file is ESM) and takes the class from
// the default export, so this file is plain JavaScript with a default export. The provider
// itself is TypeScript (jdcloud-provider.ts), loaded through tsx in asyncInit, which osls awaits
// before it validates serverless.yml or runs a command; hook names must be known when the
// class is constructed, so they are listed here (a test checks they match providerHookNames).
import { tsImport } from 'tsx/esm/api';

const hookNames = [
  'before:package:createDeploymentArtifacts',
  'deploy:deploy',
  'remove:remove',
  'info:info',
  'invoke:invoke',
  'invoke:local:invoke',
];

export default class JdCloudProviderPlugin {
  static getProviderName() {
    return 'jdcloud';
  }

  constructor(serverless, options, logging) {
    this.serverless = serverless;
    this.options = options;
    this.logging = logging;
    // A provider plugin names itself as its provider: osls skips it for other providers.
    this.provider = this;
    serverless.setProvider('jdcloud', this);
    this.hooks = Object.fromEntries(hookNames.map((name) => [name, () => this.runHook(name)]));
  }

  async asyncInit() {
    this.module = await tsImport('./jdcloud-provider.ts', import.meta.url);
    this.implementation = this.module.createJdCloudProvider(this.serverless, this.options, this.logging);
    this.serverless.configSchemaHandler.defineProvider('jdcloud', this.implementation.configSchema);
  }

  async runHook(name) {
    try {
      await this.implementation.hooks[name]();
    } catch (error) {
      throw this.module.toFrameworkError(this.serverless, error);
    }
  }
}
