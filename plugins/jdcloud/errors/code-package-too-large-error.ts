import { JdCloudPluginError } from './jdcloud-plugin-error.js';

/** A function's zip is over fc's code size limit (zipped or unzipped). */
export class CodePackageTooLargeError extends JdCloudPluginError {
  override name = 'CodePackageTooLargeError';
  readonly functionKey: string;

  constructor(functionKey: string, detail: string) {
    super(
      `The package of function "${functionKey}" is too large for Function Compute: ${detail}. Bundle less (check for large assets or dependencies pulled into the handler) and package again.`,
      'JDCLOUD_PACKAGE_TOO_LARGE',
    );
    this.functionKey = functionKey;
  }
}
