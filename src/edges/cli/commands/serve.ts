import { createLogger } from '../../../kernel/index.js';
import { loadCredentials } from '../../../adapters/jdcloud/index.js';
import { createPipelineDeps } from '../../../use-cases/importing/index.js';
import { BackgroundFollowers, createFollowDeps, followRequestsAfter } from '../../../use-cases/following/index.js';
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
    // serve is long-running, so it follows what it imports itself, to ready, copies, shares and notifications.
    const followDeps = createFollowDeps(deps.config, loadCredentials(io.env), { logger, s3: deps.s3 });
    const followers = new BackgroundFollowers(followDeps);
    const notify = deps.config.follow.notify !== undefined;
    try {
      const server = await startNotificationServer({
        token,
        host,
        port,
        maxConcurrency,
        handleNotification: pipelineNotificationHandler(deps, (summary) => {
          for (const request of followRequestsAfter(summary.outcomes, { now: new Date(), notify })) followers.start(request);
        }),
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
      // Followers let go of their leases: `oss-image-import status --follow` takes over what is unfinished.
      await followers.stop();
      logger.info({ counters: server.counters }, 'serve stopped');
      return exitCodes.done;
    } finally {
      await followers.stop();
      await followDeps.close();
      await deps.close();
    }
  },
};
