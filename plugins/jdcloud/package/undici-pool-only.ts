import { readFile } from 'node:fs/promises';
import type { Message, PartialMessage, Plugin } from 'esbuild';

const namespace = 'undici-pool-only';
/** The undici major version the trims below were checked against (its file layout and lazy paths). */
const checkedMajorVersion = 7;
const whereToChange = 'plugins/jdcloud/package/undici-pool-only.ts';

/**
 * undici files the Pool graph requires that our client never runs, each swapped for a stub that
 * says so if it is ever reached. Keyed by the importing file (under undici/lib/) and the exact
 * require string, so nothing else in undici or elsewhere is touched.
 */
const trims: ReadonlyArray<{ importer: string; request: string; why: string; contents: string }> = [
  {
    // The SIMD build of the HTTP parser (72 KB of base64 wasm). client-h1 compiles it inside a
    // try and falls back to the portable build (kept), exactly as it does on CPUs without wasm
    // SIMD; our responses are a few KB of JSON, so parsing speed does not matter.
    importer: 'dispatcher/client-h1.js',
    request: '../llhttp/llhttp_simd-wasm.js',
    why: 'the SIMD llhttp build',
    contents: "throw new Error('The SIMD llhttp build is left out of this bundle; undici uses the portable build instead.');\n",
  },
  {
    // Required lazily, only for a FormData request body (the fetch body machinery, ~44 KB with
    // webidl and the multipart parser). The JD Cloud client always sends a string.
    importer: 'dispatcher/client-h1.js',
    request: '../web/fetch/body.js',
    why: 'fetch body extraction (FormData bodies)',
    contents: "exports.extractBody = () => { throw new Error('FormData request bodies are not supported by this bundle\\'s undici (see " + whereToChange + ").'); };\n",
  },
  {
    // HTTP/2 runs only when TLS negotiates h2, which needs `allowH2: true`; our Pool leaves it off.
    importer: 'dispatcher/client.js',
    request: './client-h2.js',
    why: 'the HTTP/2 client',
    contents: "module.exports = () => { throw new Error('HTTP/2 is not in this bundle\\'s undici: create the Pool without allowH2 (see " + whereToChange + ").'); };\n",
  },
];

/**
 * The JD Cloud client takes one runtime value from undici, `Pool` (plus the type `Dispatcher`,
 * erased at build time), but undici's index requires all of undici: fetch, WebSocket, caches,
 * mocks, proxy agents (~535 KB minified). This esbuild plugin resolves the bare `undici` import
 * to a module exporting only `Pool`, taken from undici's own `lib/dispatcher/pool.js`.
 *
 * The module is ESM with a named export so esbuild checks every name imported from 'undici' at
 * build time: `import { Agent } from 'undici'` is an error, and so (by onEnd below) is reading
 * a missing name off `import * as undici`. `require('undici')` and `import('undici')` cannot be
 * checked and fail the build. Pool instances from lib/ lack the `request`/`stream`/`pipeline`
 * methods index.js mixes into Dispatcher.prototype; the client uses only `dispatch` and `close`.
 */
export const undiciPoolOnly: Plugin = {
  name: namespace,
  setup(build) {
    build.onResolve({ filter: /^undici$/ }, (args) => {
      if (args.kind !== 'import-statement') {
        return {
          errors: [
            {
              text: `undici is loaded with ${args.kind === 'dynamic-import' ? 'import()' : 'require()'}; the bundle's undici holds only Pool and checks names only for static imports. Use \`import { Pool } from 'undici'\`, or change ${whereToChange}.`,
            },
          ],
        };
      }
      return { path: 'undici', namespace, pluginData: { resolveDir: args.resolveDir } };
    });

    build.onLoad({ filter: /.*/, namespace }, async (args) => {
      const resolveDir = (args.pluginData as { resolveDir: string }).resolveDir;
      const manifest = await build.resolve('undici/package.json', { kind: 'require-call', resolveDir });
      if (manifest.errors.length > 0) return { errors: manifest.errors };
      const { version } = JSON.parse(await readFile(manifest.path, 'utf8')) as { version: string };
      if (Number(version.split('.')[0]) !== checkedMajorVersion) {
        return {
          errors: [
            {
              text: `undici ${version} is installed, but the bundle's Pool-only undici and its trims were checked against undici ${checkedMajorVersion}.x. Re-check them in ${whereToChange} (update checkedMajorVersion) and package again.`,
            },
          ],
        };
      }
      return { loader: 'js', resolveDir, contents: "import Pool from 'undici/lib/dispatcher/pool.js';\nexport { Pool };\n" };
    });

    for (const trim of trims) {
      const request = new RegExp(`^${trim.request.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`);
      build.onResolve({ filter: request }, (args) =>
        args.importer.replaceAll('\\', '/').endsWith(`/node_modules/undici/lib/${trim.importer}`)
          ? { path: trim.request, namespace: `${namespace}-trimmed`, pluginData: trim }
          : undefined,
      );
    }
    build.onLoad({ filter: /.*/, namespace: `${namespace}-trimmed` }, (args) => ({
      loader: 'js',
      contents: `// ${(args.pluginData as (typeof trims)[number]).why}: left out of the bundle (${whereToChange}).\n${(args.pluginData as (typeof trims)[number]).contents}`,
    }));

    // `import * as undici from 'undici'` then `undici.Agent` is only a warning in esbuild
    // ("will always be undefined"): here it fails the build like a missing named import does,
    // and either failure says where the Pool-only module is defined.
    build.onEnd((result) => {
      const hint = `The bundle's undici holds only Pool: add the value in ${whereToChange}, or do without it.`;
      const undefinedImports = result.warnings.filter(mentionsPoolOnlyUndici);
      const errors: PartialMessage[] = undefinedImports.map((warning) => ({ text: `${warning.text.replace(/\.?$/, '.')} ${hint}`, location: warning.location }));
      if (errors.length === 0 && result.errors.some(mentionsPoolOnlyUndici)) errors.push({ text: hint });
      return errors.length > 0 ? { errors } : undefined;
    });
  },
};

function mentionsPoolOnlyUndici(message: Message): boolean {
  return message.text.includes(`${namespace}:undici`) || message.notes.some((note) => note.text.includes(`${namespace}:undici`));
}
