import { sep } from 'node:path';
import type { Plugin } from 'esbuild';

const resolving = 'own-modules-pure';

/**
 * Tells esbuild that the service's own modules (statically imported files outside node_modules)
 * do nothing at import time that another module relies on, as `"sideEffects": false` in a
 * package.json does for a package: a module none of whose exports the handler uses is left out.
 * Without it esbuild keeps every module a barrel (`src/adapters/jdcloud/index.ts`) re-exports
 * when its top level calls a function, and building a zod schema is such a call: importImage's
 * index.js built the schemas of copyImages, shareImage, describeImages and fc's deploy models
 * at every cold start, and never used them. The layout keeps module loading free of effects
 * (src/kernel/zod.ts sets zod's locale, and every schema module uses its exports, so it stays).
 */
export const ownModulesPure: Plugin = {
  name: resolving,
  setup(build) {
    build.onResolve({ filter: /^\.\.?\// }, async (args) => {
      if (args.kind !== 'import-statement' || args.pluginData === resolving || args.importer.includes(`${sep}node_modules${sep}`)) return undefined;
      const resolved = await build.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: resolving });
      if (resolved.errors.length > 0 || resolved.external || resolved.namespace !== 'file' || resolved.path.includes(`${sep}node_modules${sep}`)) return undefined;
      return { path: resolved.path, sideEffects: false };
    });
  },
};
