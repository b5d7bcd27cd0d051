import { relative } from 'node:path';
import { build, type BuildFailure, type BuildResult, type Metafile } from 'esbuild';
import { BundleFailedError } from '../errors.js';
import { compatBanner } from './node-compat.js';
import { awsCredentialChainStub } from './aws-credential-chain-stub.js';
import { awsEventStreamsStub } from './aws-event-streams-stub.js';
import { awsSchemaLiteralKeys } from './aws-schema-literal-keys.js';
import { pinoWithoutTransports } from './pino-without-transports.js';
import { undiciPoolOnly } from './undici-pool-only.js';

export interface BundleInput {
  /** The function's key in serverless.yml, for messages. */
  functionKey: string;
  /** The handler's source file (TypeScript or JavaScript). */
  entryFile: string;
  /** The directory whose node_modules resolve bare imports (the service directory). */
  serviceDir: string;
  minify: boolean;
  sourcemap: boolean;
  /** Keep `@aws-sdk/credential-provider-node` (see aws-credential-chain-stub.ts). */
  awsDefaultCredentialChain: boolean;
  /** The Node.js major of the fc runtime it runs on: esbuild's target and the shims it needs. */
  nodeMajor: number;
}

export interface BundledFunction {
  /** `index.js`: one CommonJS file with everything the handler imports. */
  code: Uint8Array;
  /** `index.js.map`, only when source maps were asked for. */
  sourceMap?: Uint8Array;
  /** Bytes each package contributes to `code`, largest first (for the size report). */
  inputBytes: Metafile['outputs'][string]['inputs'];
  warnings: string[];
}

/**
 * Bundles one handler into a single minified CommonJS file for fc's Node runtime. `mainFields`
 * puts `module` first so packages with an ES build (the AWS SDK v3: `@aws-sdk/client-s3`,
 * `@smithy/*`) are tree-shaken down to the commands the handler uses; `target` is the runtime's
 * Node major, and a banner adds the few APIs an older major lacks (node-compat.ts). The plugins leave out code
 * the functions never run: all of undici but Pool, pino's worker-thread transports, the S3
 * event-stream codec and (unless asked for) the default AWS credential chain; each part is
 * replaced by a stub that says so. Another lets esbuild drop the S3 schemas of operations the
 * function never calls.
 */
export async function bundleFunction(input: BundleInput): Promise<BundledFunction> {
  let result: BuildResult<{ write: false; metafile: true }>;
  try {
    result = await build({
      entryPoints: [input.entryFile],
      absWorkingDir: input.serviceDir,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: `node${input.nodeMajor}`,
      banner: { js: compatBanner(input.nodeMajor) },
      mainFields: ['module', 'main'],
      minify: input.minify,
      sourcemap: input.sourcemap ? 'linked' : false,
      legalComments: 'none',
      outfile: 'index.js',
      write: false,
      metafile: true,
      logLevel: 'silent',
      plugins: [undiciPoolOnly, pinoWithoutTransports, awsEventStreamsStub, awsSchemaLiteralKeys, ...(input.awsDefaultCredentialChain ? [] : [awsCredentialChainStub])],
    });
  } catch (error) {
    const failure = error as Partial<BuildFailure>;
    const details = (failure.errors ?? []).map((message) =>
      message.location === null || message.location === undefined
        ? message.text
        : `${message.location.file}:${message.location.line}:${message.location.column}: ${message.text}`,
    );
    throw new BundleFailedError(input.functionKey, relative(input.serviceDir, input.entryFile), details.length > 0 ? details : [String(error)], error);
  }
  const code = result.outputFiles.find((file) => file.path.endsWith('index.js'));
  const sourceMap = result.outputFiles.find((file) => file.path.endsWith('index.js.map'));
  if (code === undefined) throw new Error(`esbuild produced no index.js for ${input.entryFile}`);
  const output = Object.values(result.metafile.outputs).find((entry) => entry.entryPoint !== undefined);
  return {
    code: code.contents,
    ...(sourceMap !== undefined ? { sourceMap: sourceMap.contents } : {}),
    inputBytes: output?.inputs ?? {},
    warnings: result.warnings.map((warning) => warning.text),
  };
}
