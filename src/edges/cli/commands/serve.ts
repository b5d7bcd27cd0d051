import { loadCredentials } from '../../../adapters/jdcloud/index.js';
import { createPipelineDeps } from '../../../use-cases/importing/index.js';
import { BackgroundFollowers, createFollowDeps, followRequestsAfter } from '../../../use-cases/following/index.js';
import { notifyTokenFromEnv, pipelineImportsNothing, pipelineNotificationHandler, startNotificationServer } from '../../serve/index.js';
import { numberValue, wholeNumber } from '../args.js';
import { exitCodes } from '../exit-codes.js';
import { cliLogger } from '../log-level.js';
import { type CliCommand, jsonOption } from './command.js';
import { pipelineEnvironment } from './pipeline-command.js';
import { followEnvironment } from './follow-through.js';

/** A server's log is its record of what happened: one line per notification. */
const serveLogLevel = 'info';


/**
 * `serve`: the pipeline behind an HTTP endpoint for S3-style event notifications — JD OSS
 * HTTP callbacks, Ceph RGW and MinIO bucket notifications — for a VM or container next to
 * the bucket. Runs until SIGINT/SIGTERM, then finishes the notifications in flight.
 */
export const serveCommand: CliCommand = {
  name: 'serve',
  summary: 'Receive bucket notifications over HTTP (POST /events) and import',
  description:
    'An HTTP endpoint for S3-style bucket notifications (JD OSS callbacks, Ceph RGW, MinIO): POST /events with ' +
    '?token=<NOTIFY_TOKEN> or Authorization: Bearer <NOTIFY_TOKEN>; GET /healthz. It answers 2xx once every record is ' +
    'recorded, 503 when the sender should retry, 400 to a body that is no notification, 413 to one over 1 MiB. ' +
    'Each import is then followed here to its end (ready, copies, share, notifications) in the background. ' +
    'SIGINT/SIGTERM finish the notifications in flight, let go of the followers\' leases, then exit 0.',
  arguments: [],
  options: [
    { flags: '--port <P>', description: 'TCP port, 0 for a free one', default: 8080, parse: wholeNumber(0, 65535) },
    { flags: '--host <H>', description: 'address to listen on (0.0.0.0 exposes it to the network)', default: '127.0.0.1' },
    { flags: '--concurrency <N>', description: 'notifications handled at once, 1-256 (more wait, then get 503)', default: 8, parse: wholeNumber(1, 256) },
    { ...jsonOption, description: 'print where it listens as one JSON line on stdout' },
  ],
  environment: ['NOTIFY_TOKEN', ...pipelineEnvironment.filter((name) => name !== 'LOG_LEVEL'), 'JDCLOUD_VM_ENDPOINT', 'IMAGE_ALLOWED_BUCKETS', 'IMAGE_IMPORT_CONCURRENCY', ...followEnvironment, 'LOG_LEVEL'],
  examples: ['serve', 'serve --host 0.0.0.0 --port 8080 --concurrency 16'],
  defaultLogLevel: serveLogLevel,
  async run(args, io) {
    const port = numberValue(args, 'port');
    const maxConcurrency = numberValue(args, 'concurrency');
    const host = String(args.values['host']);
    // Checked before anything listens: an endpoint without its secret must not start.
    const token = notifyTokenFromEnv(io.env);
    const logger = cliLogger(io.env, serveLogLevel);
    const deps = createPipelineDeps(io.env, { logger });
    // serve is long-running, so it follows what it imports itself, to ready, copies, shares and notifications.
    // SIGTERM cuts the followers' JD calls and notification retries short: stopping takes no minute.
    const followDeps = createFollowDeps(deps.config, loadCredentials(io.env), { logger, s3: deps.s3, signal: io.signal });
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
