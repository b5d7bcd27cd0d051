import { basename, dirname, extname, sep } from 'node:path';
import type { Plugin } from 'esbuild';

/** A dynamic import of the service's own code, built into a file of its own in the zip. */
export interface LazyEntry {
  /** The file's name in the zip, next to index.js: `unpacking.js` for `…/unpacking/index.ts`. */
  fileName: string;
  /** The imported module's absolute path. */
  entryFile: string;
}

/** `src/use-cases/unpacking/index.ts` → `unpacking.js`; `src/x/decoders.ts` → `decoders.js`. */
export function lazyFileName(entryFile: string): string {
  const stem = basename(entryFile, extname(entryFile));
  const name = stem === 'index' ? basename(dirname(entryFile)) : stem;
  // index.js is the handler's.
  return name === 'index' ? 'index-lazy.js' : `${name}.js`;
}

/**
 * `await import('../unpacking/index.js')` in the handler's code becomes a require of
 * `./unpacking.js`, a second file of the zip built from that module: what only some invocations
 * need (issue 14's decoders, for packed uploads) is neither read nor run by the others. Dynamic
 * imports of packages and of Node's modules stay as they are (bundled, or Node's own).
 */
export function lazyFiles(found: Map<string, LazyEntry>): Plugin {
  const resolving = 'lazy-files';
  return {
    name: 'lazy-files',
    setup(build) {
      build.onResolve({ filter: /^\.\.?\// }, async (args) => {
        if (args.kind !== 'dynamic-import' || args.pluginData === resolving) return undefined;
        const resolved = await build.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: resolving });
        if (resolved.errors.length > 0 || resolved.external || resolved.path.includes(`${sep}node_modules${sep}`)) return undefined;
        const fileName = lazyFileName(resolved.path);
        const known = found.get(fileName);
        if (known !== undefined && known.entryFile !== resolved.path) {
          return { errors: [{ text: `${args.path} and ${known.entryFile} would both be loaded lazily as ${fileName}: rename one of them` }] };
        }
        found.set(fileName, { fileName, entryFile: resolved.path });
        return { path: `./${fileName}`, external: true };
      });
    },
  };
}

/**
 * Modules a lazy file may share with index.js, each bundle then holding its own copy: this
 * repository's pure rules (src/domain: no I/O, no state, by the layout's rule). Anything else
 * in both — a package, an adapter, an error class — would be two instances that do not know
 * each other (a second client, an `instanceof` that fails); the lazy code must get it as a value.
 */
export function sharedWithState(mainInputs: readonly string[], lazyInputs: readonly string[]): string[] {
  const main = new Set(mainInputs);
  // Paths are relative to the service directory; a symlinked service reaches src/ through `../`.
  const pureRules = (input: string) => !input.includes('node_modules/') && /(^|\/)src\/domain\//.test(input);
  return lazyInputs.filter((input) => main.has(input) && !pureRules(input));
}
