import { relative } from 'node:path';
import { build, type BuildFailure, type BuildResult, type Metafile } from 'esbuild';
import { BundleFailedError, LazyFileSharesStateError } from '../errors.js';
import { compatBanner } from './node-compat.js';
import { awsCredentialChainStub } from './aws-credential-chain-stub.js';
import { awsEventStreamsStub } from './aws-event-streams-stub.js';
import { awsSchemaLiteralKeys } from './aws-schema-literal-keys.js';
import { compileCommonJsWrappersEagerly } from './eager-commonjs-wrappers.js';
import { type LazyEntry, lazyFiles, sharedWithState } from './lazy-files.js';
import { ownModulesPure } from './own-modules-pure.js';
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

/** One CommonJS file of the zip. */
export interface BundledFile {
  /** `index.js` for the handler; a lazily loaded file is named after its module (`unpacking.js`). */
  name: string;
  code: Uint8Array;
  /** `<name>.map`, only when source maps were asked for. */
  sourceMap?: Uint8Array;
  /** Bytes each module contributes to `code`, by path relative to the service directory. */
  inputBytes: Metafile['outputs'][string]['inputs'];
  /** Files of the zip it requires: lazily loaded ones whose import survived tree-shaking (`./unpacking.js`). */
  requires: string[];
}

export interface BundledFunction extends Omit<BundledFile, 'name' | 'requires'> {
  /** The files the handler loads by dynamic import of its own code, only when it gets there. */
  lazyFiles: BundledFile[];
  warnings: string[];
}

/**
 * The bundle's first statement. On Node 22 and later, loading `tls` starts reading the root
 * certificates on a background thread (about 15 ms of CPU), and the first TLS handshake, or the
 * process's exit, waits for it. Every bundle loads tls anyway (the S3 client's https), late in its
 * init; loaded first, the certificates are read while the rest of the init runs instead of after
 * it (measured on Node 22: 7 ms less from require to exit, the same require time). Node 16–20 read
 * them at the first handshake either way. Nothing is loaded that was not.
 */
const tlsFirst = 'require("node:tls");';

/**
 * Bundles one handler into a minified CommonJS file for fc's Node runtime. `mainFields` puts
 * `module` first so packages with an ES build (the AWS SDK v3: `@aws-sdk/client-s3`,
 * `@smithy/*`) are tree-shaken down to the commands the handler uses; `target` is the runtime's
 * Node major, and a banner adds the few APIs an older major lacks (node-compat.ts). The plugins leave out code
 * the functions never run: all of undici but Pool, pino's worker-thread transports, the S3
 * event-stream codec and (unless asked for) the default AWS credential chain; each part is
 * replaced by a stub that says so. Another lets esbuild drop the S3 schemas of operations the
 * function never calls. Minified, each bundled CommonJS module's wrapper is compiled eagerly
 * (eager-commonjs-wrappers.ts). A dynamic `import()` of the service's own code becomes a file of its own
 * (lazy-files.ts), required when that line runs; it may share only pure rules with index.js.
 */
export async function bundleFunction(input: BundleInput): Promise<BundledFunction> {
  const lazy = new Map<string, LazyEntry>();
  const main = await bundleFile(input, input.entryFile, 'index.js', lazy);
  const lazyBuilt: BundledFile[] = [];
  // Only those an output still requires (a dynamic import in code tree-shaken away needs none); a
  // lazy file may import another lazily: built until none is left.
  const required = new Set(main.requires);
  for (const entry of lazy.values()) {
    if (!required.has(`./${entry.fileName}`) || lazyBuilt.some((file) => file.name === entry.fileName)) continue;
    const file = await bundleFile(input, entry.entryFile, entry.fileName, lazy);
    const shared = sharedWithState(Object.keys(main.inputBytes), Object.keys(file.inputBytes));
    if (shared.length > 0) throw new LazyFileSharesStateError(input.functionKey, entry.fileName, shared);
    lazyBuilt.push(file);
    for (const path of file.requires) required.add(path);
    main.warnings.push(...file.warnings);
  }
  const { name: _name, requires: _requires, ...handler } = main;
  return { ...handler, lazyFiles: lazyBuilt };
}

async function bundleFile(input: BundleInput, entryFile: string, name: string, lazy: Map<string, LazyEntry>): Promise<BundledFile & { warnings: string[] }> {
  let result: BuildResult<{ write: false; metafile: true }>;
  try {
    result = await build({
      entryPoints: [entryFile],
      absWorkingDir: input.serviceDir,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: `node${input.nodeMajor}`,
      // import() of a lazy file becomes require(): one module system, and Node 16 loads it the same way.
      supported: { 'dynamic-import': false },
      banner: { js: `${compatBanner(input.nodeMajor) || '"use strict";'}\n${tlsFirst}` },
      mainFields: ['module', 'main'],
      minify: input.minify,
      sourcemap: input.sourcemap ? 'linked' : false,
      legalComments: 'none',
      outfile: name,
      write: false,
      metafile: true,
      logLevel: 'silent',
      plugins: [undiciPoolOnly, pinoWithoutTransports, awsEventStreamsStub, awsSchemaLiteralKeys, ...(input.awsDefaultCredentialChain ? [] : [awsCredentialChainStub]), lazyFiles(lazy), ownModulesPure],
    });
  } catch (error) {
    const failure = error as Partial<BuildFailure>;
    const details = (failure.errors ?? []).map((message) =>
      message.location === null || message.location === undefined
        ? message.text
        : `${message.location.file}:${message.location.line}:${message.location.column}: ${message.text}`,
    );
    throw new BundleFailedError(input.functionKey, relative(input.serviceDir, entryFile), details.length > 0 ? details : [String(error)], error);
  }
  const code = result.outputFiles.find((file) => file.path.endsWith(name));
  const sourceMap = result.outputFiles.find((file) => file.path.endsWith(`${name}.map`));
  if (code === undefined) throw new Error(`esbuild produced no ${name} for ${entryFile}`);
  const output = Object.values(result.metafile.outputs).find((entry) => entry.entryPoint !== undefined);
  // The rewrite moves columns a source map points at, so a build with one keeps esbuild's arrows.
  const contents = input.minify && !input.sourcemap ? new TextEncoder().encode(compileCommonJsWrappersEagerly(code.text).code) : code.contents;
  return {
    name,
    code: contents,
    ...(sourceMap !== undefined ? { sourceMap: sourceMap.contents } : {}),
    inputBytes: output?.inputs ?? {},
    requires: (output?.imports ?? []).filter((entry) => entry.external && entry.path.startsWith('./')).map((entry) => entry.path),
    warnings: result.warnings.map((warning) => warning.text),
  };
}
