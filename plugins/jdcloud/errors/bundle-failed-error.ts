import { JdCloudPluginError } from './jdcloud-plugin-error.js';

/** esbuild could not bundle a handler (a missing import, a syntax error). */
export class BundleFailedError extends JdCloudPluginError {
  override name = 'BundleFailedError';
  readonly functionKey: string;

  constructor(functionKey: string, entryFile: string, details: readonly string[], cause: unknown) {
    super(
      `Could not bundle function "${functionKey}" from ${entryFile}:\n${details.map((line) => `  - ${line}`).join('\n')}\nFix the import or syntax error and package again.`,
      'JDCLOUD_BUNDLE_FAILED',
      { cause },
    );
    this.functionKey = functionKey;
  }
}
