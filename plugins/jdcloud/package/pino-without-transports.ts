import type { Plugin } from 'esbuild';

/**
 * pino requires its transport module up front (pino.js exports `pino.transport`, lib/tools.js
 * calls it for the `transport` option), and with it thread-stream: transports run in worker
 * threads loaded from files by path, which a one-file bundle cannot carry anyway. Our logger
 * writes to a file descriptor through `pino.destination` (sonic-boom, kept). This esbuild
 * plugin swaps pino's lib/transport.js for a function that says so if it is ever called.
 */
export const pinoWithoutTransports: Plugin = {
  name: 'pino-without-transports',
  setup(build) {
    build.onResolve({ filter: /^\.\/(lib\/)?transport$/ }, (args) => {
      const importer = args.importer.replaceAll('\\', '/');
      const fromPino = args.path === './lib/transport' ? importer.endsWith('/node_modules/pino/pino.js') : importer.endsWith('/node_modules/pino/lib/tools.js');
      return fromPino ? { path: 'pino/lib/transport.js', namespace: 'pino-without-transports' } : undefined;
    });
    build.onLoad({ filter: /.*/, namespace: 'pino-without-transports' }, () => ({
      loader: 'js',
      contents:
        "module.exports = function transport() {\n  throw new Error('pino transports are not in this bundle (they run worker threads from files): log to a stream or pino.destination instead.');\n};\n",
    }));
  },
};
