import { JdCloudPluginError } from './jdcloud-plugin-error.js';

/** fc's describeRuntimes does not list the runtime we need in this region. */
export class RuntimeNotOfferedError extends JdCloudPluginError {
  override name = 'RuntimeNotOfferedError';
  readonly runtime: string | undefined;
  readonly region: string;
  readonly offered: readonly string[];

  constructor(input: { runtime: string | undefined; region: string; offered: readonly string[] }) {
    const offered = input.offered.length === 0 ? 'none' : input.offered.join(', ');
    super(
      input.runtime === undefined
        ? `Function Compute in ${input.region} offers no Node.js runtime of version 20 or newer (offered: ${offered}); the bundle needs Node.js 20+. Deploy to another region with provider.region.`
        : `Function Compute in ${input.region} does not offer runtime "${input.runtime}" (offered: ${offered}). Set provider.runtime to one of the offered nodejs20+ runtimes, or leave it out to use the newest one.`,
      'JDCLOUD_RUNTIME_NOT_OFFERED',
    );
    this.runtime = input.runtime;
    this.region = input.region;
    this.offered = input.offered;
  }
}
