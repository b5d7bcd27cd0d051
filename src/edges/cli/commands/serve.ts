import { createLogger } from '../../../kernel/index.js';
import { createPipelineDeps } from '../../../use-cases/importing/index.js';
import { notifyTokenFromEnv, pipelineImportsNothing, pipelineNotificationHandler, startNotificationServer } from '../../serve/index.js';
import { wholeNumberOption } from '../args.js';
import { exitCodes } from '../exit-codes.js';
import type { CliCommand } from './command.js';


/**
 * `serve`: the pipeline behind an HTTP endpoint for S3-style event notifications — JD OSS
 * HTTP callbacks, Ceph RGW and MinIO bucket notifications — for a VM or container next to
 * the bucket. Runs until SIGINT/SIGTERM, then finishes the notifications in flight.
 */
export const serveCommand: CliCommand = {
  name: 'serve',
  usage: 'serve [--port P] [--host H] [--concurrency N] [--json]',
  summary: 'Receive bucket notifications over HTTP (POST /events) and import',
  options: {
    port: { type: 'string' },
    host: { type: 'string' },
    concurrency: { type: 'string' },
    json: { type: 'boolean' },
  },
  positionals: [0, 0],
  async run(args, io) {
    const port = wholeNumberOption(args.values['port'], 'port', 0, 65535) ?? 8080;
    const maxConcurrency = wholeNumberOption(args.values['concurrency'], 'concurrency', 1, 256) ?? 8;
    const host = typeof args.values['host'] === 'string' ? args.values['host'] : '127.0.0.1';
    // Checked before anything listens: an endpoint without its secret must not start.
    const token = notifyTokenFromEnv(io.env);
    const logger = createLogger({ level: io.env['LOG_LEVEL'] ?? 'info' });
    const deps = createPipelineDeps(io.env, { logger });
    try {
      const server = await startNotificationServer({
        token,
        host,
        port,
        maxConcurrency,
        handleNotification: pipelineNotificationHandler(deps),
        importsNothing: pipelineImportsNothing(deps.config),
        log: logger,
      });
      const ready = { url: server.url, notificationUrl: server.notificationUrl, healthUrl: `${server.url}/healthz` };
      if (args.values['json'] === true) {
        io.out(`${JSON.stringify(ready)}\n`);
      } else {
        io.out(
          `Listening on ${server.url}. Point bucket notifications at ${server.notificationUrl}?token=<NOTIFY_TOKEN> ` +
            `(or send Authorization: Bearer <NOTIFY_TOKEN>); health at ${ready.healthUrl}. Ctrl-C stops.\n`,
        );
      }
      logger.info(ready, 'serve listening');
      await new Promise<void>((resolve) => {
        if (io.signal.aborted) resolve();
        else io.signal.addEventListener('abort', () => resolve(), { once: true });
      });
      logger.info({ counters: server.counters }, 'serve stopping: finishing notifications in flight');
      await server.stop();
      logger.info({ counters: server.counters }, 'serve stopped');
      return exitCodes.done;
    } finally {
      await deps.close();
    }
  },
};
