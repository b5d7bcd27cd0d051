import { listenHttp } from '../../kernel/index.js';
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { BodyTooLargeError } from './body-too-large-error.js';
import { ConcurrencyLimit, ConcurrencyLimitRefused } from './concurrency-limit.js';
import { isJdCloudHandshake, jdCloudHandshakeAnswer } from './jdcloud-handshake.js';
import { silentServeLog, type NotificationHandler, type ServeLog } from './notification-handler.js';
import { presentedToken, tokenMatches } from './notify-token.js';
import { readBody } from './read-body.js';

export interface NotificationServerOptions {
  /** Runs the pipeline for one notification body; see NotificationHandler. */
  handleNotification: NotificationHandler;
  /** The shared secret (NOTIFY_TOKEN). */
  token: string;
  /** Default 127.0.0.1: exposing the endpoint is a deliberate choice (`--host 0.0.0.0`). */
  host?: string;
  /** Default 0 (a free port). */
  port?: number;
  /** Where notifications are POSTed. Default `/events`. */
  path?: string;
  /** Default 1 MiB: one S3-style record is about 2 KiB, JD OSS batches stay far below this. */
  maxBodyBytes?: number;
  /**
   * Bodies over maxBodyBytes are read (and dropped) up to this size before the 413 is sent;
   * past it the 413 goes out at once and the rest is dropped for at most 10 s more, then the
   * connection is cut. Default 16 × maxBodyBytes, at least 16 MiB.
   */
  discardLimitBytes?: number;
  /** Notifications handled at once. Default 8. */
  maxConcurrency?: number;
  /** Notifications waiting for a slot; beyond this they get 503 at once. Default 64. */
  maxQueued?: number;
  /**
   * True for a notification that imports nothing (our own status records' notifications,
   * other buckets): it is handled outside maxConcurrency. RGW delivers non-persistent
   * notifications synchronously, so the PUT of a status record waits for this endpoint's
   * answer; queueing that answer behind the imports that made the PUT would deadlock them.
   */
  importsNothing?: (event: object) => boolean;
  /** How long stop() lets in-flight notifications finish before dropping connections. Default 30 s. */
  shutdownTimeoutMs?: number;
  log?: ServeLog;
}

export interface NotificationServerCounters {
  /** POSTs to the notification path that passed the token check. */
  received: number;
  /** Answered 2xx after the handler finished (including ignored test events and handshakes). */
  recorded: number;
  /** Answered 5xx so the sender retries: transient failures, handler errors, overload, shutdown. */
  retryable: number;
  /** Answered 4xx. */
  refused: number;
}

export interface NotificationServer {
  /** Base URL, e.g. `http://127.0.0.1:43117`. */
  url: string;
  /** Where to point senders (add `?token=` or send a bearer token). */
  notificationUrl: string;
  host: string;
  port: number;
  counters: Readonly<NotificationServerCounters>;
  /** Stops accepting, answers queued notifications with 503, lets running ones finish. */
  stop(): Promise<void>;
}

interface Reply {
  status: number;
  body: unknown;
  headers?: OutgoingHttpHeaders;
}

const jsonReply = (status: number, body: unknown, headers?: OutgoingHttpHeaders): Reply =>
  headers === undefined ? { status, body } : { status, body, headers };

/** s3:TestEvent (S3 sends one when a notification is configured) is not an upload. */
function isTestEvent(event: object): boolean {
  const name = (event as { Event?: unknown }).Event;
  return typeof name === 'string' && name.endsWith('TestEvent');
}

/** What a JSON object that is no notification looks like, by its first few keys (never its values). */
function notANotificationMessage(event: object): string {
  const keys = Object.keys(event);
  const shown = keys.slice(0, 5).map((key) => JSON.stringify(key.length > 40 ? `${key.slice(0, 40)}…` : key));
  const got = keys.length === 0 ? 'an empty object' : `an object with ${keys.length === 1 ? 'key' : 'keys'} ${shown.join(', ')}${keys.length > 5 ? ', …' : ''}`;
  return `Body is not a bucket notification: expected {"Records":[…]} as S3, Ceph RGW, MinIO and JD OSS send; got ${got}.`;
}

/**
 * Starts the HTTP endpoint for S3-style event notifications (JD OSS callbacks, Ceph RGW,
 * MinIO). Answers 2xx only after the handler has recorded every record, 5xx when the sender
 * should retry, 4xx for requests that retrying cannot fix.
 */
export async function startNotificationServer(options: NotificationServerOptions): Promise<NotificationServer> {
  if (options.token === '') throw new TypeError('token must not be empty');
  const log = options.log ?? silentServeLog;
  const path = options.path ?? '/events';
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  // Bodies up to this size are read to the end before answering 413, so the client sees it.
  const discardLimitBytes = options.discardLimitBytes ?? Math.max(maxBodyBytes * 16, 16 * 1024 * 1024);
  // How long the rest of a body past discardLimitBytes is read and dropped after the 413.
  const oversizeGraceMs = 10_000;
  const limit = new ConcurrencyLimit(options.maxConcurrency ?? 8, options.maxQueued ?? 64);
  // Cheap notifications still have a (generous) bound, and stop() waits for them too.
  const lightLimit = new ConcurrencyLimit(256, 0);
  const counters: NotificationServerCounters = { received: 0, recorded: 0, retryable: 0, refused: 0 };
  let draining = false;

  async function reply(request: IncomingMessage, url: URL): Promise<Reply> {
    if (url.pathname === '/healthz') {
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        return jsonReply(405, { error: `${request.method} is not allowed on /healthz; use GET.` }, { allow: 'GET, HEAD' });
      }
      return jsonReply(draining ? 503 : 200, { status: draining ? 'draining' : 'ok', active: limit.active, queued: limit.queued });
    }
    if (url.pathname !== path) return jsonReply(404, { error: `No such path ${url.pathname}; notifications go to POST ${path}.` });
    if (request.method !== 'POST') {
      return jsonReply(405, { error: `${request.method} is not allowed on ${path}; use POST.` }, { allow: 'POST' });
    }
    if (draining) return jsonReply(503, { error: 'The endpoint is shutting down; retry shortly.' }, { 'retry-after': '1' });

    const token = presentedToken(request.headers, url);
    if (token === undefined) {
      return jsonReply(
        401,
        { error: 'Missing token: send Authorization: Bearer <NOTIFY_TOKEN> or add ?token=<NOTIFY_TOKEN> to the URL.' },
        { 'www-authenticate': 'Bearer' },
      );
    }
    if (!tokenMatches(token, options.token)) {
      return jsonReply(401, { error: 'Wrong token: it does not match NOTIFY_TOKEN.' }, { 'www-authenticate': 'Bearer' });
    }
    counters.received += 1;

    const declaredLength = Number(request.headers['content-length'] ?? 0);
    if (declaredLength > discardLimitBytes) throw new BodyTooLargeError(maxBodyBytes, declaredLength, false);
    const body = await readBody(request, maxBodyBytes, discardLimitBytes);

    if (isJdCloudHandshake(request.headers)) {
      return { status: 200, body: jdCloudHandshakeAnswer(body), headers: { 'content-type': 'text/plain; charset=utf-8' } };
    }

    let event: unknown;
    try {
      event = JSON.parse(body.toString('utf8'));
    } catch (error) {
      return jsonReply(400, { error: `Body is not JSON: ${(error as Error).message}.` });
    }
    if (typeof event !== 'object' || event === null || Array.isArray(event)) {
      return jsonReply(400, { error: 'Body must be a JSON object, e.g. {"Records":[…]}.' });
    }
    if (isTestEvent(event)) return jsonReply(200, { status: 'ignored', reason: 's3:TestEvent is not an upload' });
    // A 200 would hide a sender whose format drifted: it would retry nothing and import nothing.
    if (!Array.isArray((event as { Records?: unknown }).Records)) return jsonReply(400, { error: notANotificationMessage(event) });

    try {
      const lane = options.importsNothing?.(event) === true ? lightLimit : limit;
      const outcome = await lane.run(() => options.handleNotification(event));
      if (outcome.unrecognised !== undefined) return jsonReply(400, { error: outcome.unrecognised, outcome });
      if (outcome.transientFailure) {
        return jsonReply(503, { status: 'retry', outcome }, { 'retry-after': '5' });
      }
      return jsonReply(200, { status: 'recorded', outcome });
    } catch (error) {
      if (error instanceof ConcurrencyLimitRefused) {
        return jsonReply(503, { error: error.message }, { 'retry-after': '1' });
      }
      throw error;
    }
  }

  /**
   * The rest of an oversized body is read and dropped, so the sender reads its 413 instead of a
   * reset (closing a socket with unread data resets it); one still sending after the grace
   * period is cut off.
   */
  function discardRestOfBody(request: IncomingMessage, socket: Socket): void {
    request.resume();
    const cutOff = setTimeout(() => socket.destroy(), oversizeGraceMs);
    cutOff.unref();
    const done = () => clearTimeout(cutOff);
    request.once('end', done);
    socket.once('close', done);
  }

  function send(response: ServerResponse, result: Reply, closeConnection: boolean): void {
    const isText = typeof result.body === 'string';
    const payload = isText ? (result.body as string) : `${JSON.stringify(result.body)}\n`;
    const headers: OutgoingHttpHeaders = {
      'content-type': 'application/json; charset=utf-8',
      ...result.headers,
      'content-length': Buffer.byteLength(payload),
      'cache-control': 'no-store',
    };
    // While draining, every answer closes its connection so stop() is not held up by keep-alive.
    if (closeConnection || draining) headers['connection'] = 'close';
    response.writeHead(result.status, headers);
    response.end(response.req.method === 'HEAD' ? undefined : payload);
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const started = performance.now();
    const requestId = randomUUID();
    // Taken now: once the reply is finished the request no longer holds its socket.
    const socket = request.socket;
    response.setHeader('x-request-id', requestId);
    // Only the path is logged: the query may hold the token.
    const url = new URL(request.url ?? '/', 'http://notification.invalid');
    let result: Reply;
    let drainAfterReply = false;
    try {
      result = await reply(request, url);
    } catch (error) {
      if (error instanceof BodyTooLargeError) {
        result = jsonReply(413, { error: error.message });
        drainAfterReply = !error.drained;
      } else if (socket.destroyed || response.destroyed) {
        // The sender hung up (e.g. mid-body); there is no one to answer.
        log.info({ requestId, path: url.pathname, error: (error as Error).message }, 'client went away');
        return;
      } else {
        log.error({ requestId, path: url.pathname, error: (error as Error).message, errorName: (error as Error).name }, 'notification failed');
        result = jsonReply(500, { error: 'Handling the notification failed; the sender should retry.', requestId });
      }
    }
    if (result.status >= 500) counters.retryable += 1;
    else if (result.status >= 400) counters.refused += 1;
    else if (url.pathname === path) counters.recorded += 1;
    // A 401/404/405 may leave a body unread: close rather than keep a half-read connection.
    const closeConnection = !drainAfterReply && result.status >= 400 && result.status < 500;
    send(response, result, closeConnection);
    if (drainAfterReply) discardRestOfBody(request, socket);
    const fields = { requestId, method: request.method, path: url.pathname, status: result.status, ms: Math.round(performance.now() - started) };
    if (result.status >= 500) log.warn(fields, 'notification not recorded; sender should retry');
    else if (result.status >= 400) log.warn({ ...fields, error: (result.body as { error?: string }).error }, 'request refused');
    else if (url.pathname === path) log.info(fields, 'notification handled');
  }

  const server = createServer((request, response) => {
    void handle(request, response).catch((error: unknown) => {
      log.error({ error: (error as Error).message }, 'answering the request failed');
      if (!response.headersSent) {
        response.writeHead(500, { connection: 'close' });
        response.end();
      } else {
        response.destroy();
      }
    });
  });
  // Receiving one notification body never takes long; a slow sender must not hold a slot.
  server.requestTimeout = 60_000;
  server.headersTimeout = 20_000;

  const { url, host, port } = await listenHttp(server, options);

  let stopping: Promise<void> | undefined;
  async function stop(): Promise<void> {
    stopping ??= (async () => {
      draining = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      limit.close();
      lightLimit.close();
      server.closeIdleConnections();
      const deadline = setTimeout(() => server.closeAllConnections(), options.shutdownTimeoutMs ?? 30_000);
      deadline.unref();
      await Promise.all([limit.idle(), lightLimit.idle()]);
      // Connections that answered just before draining began sit idle in keep-alive.
      server.closeIdleConnections();
      await closed;
      clearTimeout(deadline);
    })();
    return stopping;
  }

  return {
    url,
    notificationUrl: `${url}${path}`,
    host,
    port,
    counters,
    stop,
  };
}
