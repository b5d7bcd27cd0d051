import type { Problem } from '../../src/kernel/index.js';

/**
 * Base of every error the JD Cloud provider plugin raises on purpose. The plugin entry turns
 * these into the framework's own error type, so the CLI prints the message without a stack.
 */
export class JdCloudPluginError extends Error {
  override name = 'JdCloudPluginError';
  /** A stable code the framework prints next to the message, e.g. `JDCLOUD_INVALID_CONFIG`. */
  readonly code: string;

  constructor(message: string, code: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** serverless.yml asks for something JD Cloud will not accept; lists every problem at once. */
export class ServiceConfigInvalidError extends JdCloudPluginError {
  override name = 'ServiceConfigInvalidError';
  readonly problems: readonly Problem[];

  constructor(problems: readonly Problem[]) {
    const lines = problems.map((problem) => `  - ${problem.message}`);
    super(
      `serverless.yml has ${problems.length === 1 ? 'a problem' : `${problems.length} problems`} to fix before anything is deployed:\n${lines.join('\n')}`,
      'JDCLOUD_INVALID_CONFIG',
    );
    this.problems = problems;
  }
}

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

/** A lazily loaded file of a function would hold its own copy of a module index.js holds (package-functions.ts). */
export class LazyFileSharesStateError extends JdCloudPluginError {
  override name = 'LazyFileSharesStateError';

  constructor(functionKey: string, fileName: string, modules: readonly string[]) {
    super(
      `Could not bundle function "${functionKey}": ${fileName} (loaded by a dynamic import) and index.js would each hold their own copy of:\n${modules.map((module) => `  - ${module}`).join('\n')}\n` +
        'Two copies are two instances (clients, caches, error classes that instanceof does not recognise). Pass what the lazily loaded code needs from these modules to it as a value, or import it statically.',
      'JDCLOUD_LAZY_FILE_SHARES_STATE',
    );
  }
}

/** A function's zip is over fc's code size limit. */
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

/** fc's describeRuntimes does not list the runtime we need in this region. */
export class RuntimeNotOfferedError extends JdCloudPluginError {
  override name = 'RuntimeNotOfferedError';

  constructor(input: { runtime: string | undefined; region: string; offered: readonly string[]; supported: string }) {
    const offered = input.offered.length === 0 ? 'none' : input.offered.join(', ');
    super(
      input.runtime === undefined
        ? `Function Compute in ${input.region} offers none of the Node.js runtimes this function is built for (${input.supported}; offered: ${offered}). Deploy to another region with provider.region.`
        : `Function Compute in ${input.region} does not offer runtime "${input.runtime}" (offered: ${offered}). Set provider.runtime to one of the offered runtimes among ${input.supported}, or leave it out to use the newest of them.`,
      'JDCLOUD_RUNTIME_NOT_OFFERED',
    );
  }
}
