import { setTimeout as sleep } from 'node:timers/promises';
import { Pool, type Dispatcher } from 'undici';
import type * as z from '../../../kernel/zod.js';
import { checkCredentials } from '../credentials.js';
import { JdCloudConfigError, type JdCloudError } from '../errors.js';
import { checkRegionId } from '../region.js';
import { canonicalQuery } from '../signing/canonical-request.js';
import { buildSignedRequest, type JdCloudCredentials } from '../signing/sign-request.js';
import { SigningKeyCache } from '../signing/signing-key.js';
import { parseEndpoint } from './endpoint.js';
import { queryPairs, type QueryValue } from './query-params.js';
import { defaultRetryOptions, nextRetryDelayMs, type RetryOptions } from './retry-policy.js';
import { sendAttempt, type ClientTimeouts } from './send-attempt.js';

/**
 * Sent and signed on every call unless the call overrides them: the same two the official JS
 * SDK signs besides host, date and nonce (docs/reference/jdcloud-api.md §1.2), so a request of
 * ours and one of the SDK's carry the same signature.
 */
const defaultHeaders: Readonly<Record<string, string>> = { accept: 'application/json', 'content-type': 'application/json' };

export const defaultTimeouts: ClientTimeouts = { connectMs: 5_000, headersMs: 15_000, bodyMs: 15_000, attemptMs: 30_000 };

/** Told before each retry, e.g. to log it; `error` is why the previous attempt failed. */
export interface RetryNotice {
  attempt: number;
  delayMs: number;
  error: JdCloudError;
}

export interface JdCloudClientOptions {
  /** Base URL, e.g. `https://vm.jdcloud-api.com`; http only for loopback hosts. */
  endpoint: string;
  /** Signing service name: `vm`, `fc`, … */
  service: string;
  credentials: JdCloudCredentials;
  /** An undici dispatcher (Agent, Pool, MockAgent, a proxy agent); by default a keep-alive Pool for the endpoint. */
  dispatcher?: Dispatcher;
  retry?: Partial<RetryOptions>;
  timeouts?: Partial<ClientTimeouts>;
  userAgent?: string;
  /** The clock that dates each attempt (`x-jdcloud-date`); default the system clock. */
  now?: () => Date;
  /** @deprecated Use `now`. */
  clock?: () => Date;
  /** Makes each attempt's `x-jdcloud-nonce`; default a fresh UUID v4. It must never repeat. */
  nonce?: () => string;
  /** Jitter source in [0, 1). */
  random?: () => number;
  onRetry?: (notice: RetryNotice) => void;
  /** Larger responses are refused (JdCloudResponseError); default 4 MiB. */
  maxResponseBytes?: number;
}

export interface JdCloudCallInput<T> {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  regionId: string;
  /** The documented path under `/v1/regions/{regionId}`, e.g. `/images:import`, `/imageTasks`. */
  path: string;
  /** Arrays become `name.1`, `name.2`, … */
  query?: Readonly<Record<string, QueryValue>>;
  /** Serialized with JSON.stringify once; every attempt sends the same bytes. */
  body?: unknown;
  /** Extra headers; they are signed (except user-agent). */
  headers?: Readonly<Record<string, string>>;
  /** Parses `result` of the success envelope. */
  schema: z.core.$ZodType<T>;
  signal?: AbortSignal;
}

export interface JdCloudCallResult<T> {
  result: T;
  requestId: string;
  /** 1 when the first attempt succeeded. */
  attempts: number;
}

export interface JdCloudClient {
  readonly endpoint: string;
  readonly service: string;
  call<T>(input: JdCloudCallInput<T>): Promise<JdCloudCallResult<T>>;
  /** Closes the client's own connection pool (an injected dispatcher is left open). */
  close(): Promise<void>;
}

/**
 * A JD Cloud OpenAPI client for one endpoint: signs every attempt afresh (new date and nonce),
 * keeps connections alive, retries 429/5xx/network/timeouts with full-jitter backoff bounded by
 * attempts and total time, honours Retry-After, and never retries other 4xx. Checks the
 * endpoint and credentials up front and throws before anything is sent.
 */
export function createJdCloudClient(options: JdCloudClientOptions): JdCloudClient {
  const endpoint = parseEndpoint(options.endpoint);
  const credentials = checkCredentials(options.credentials);
  const service = options.service;
  if (!/^[a-z][a-z0-9-]*$/.test(service)) {
    throw new JdCloudConfigError('service', `service ${JSON.stringify(service)} is not a JD Cloud service name such as vm or fc.`);
  }
  const retry = { ...defaultRetryOptions, ...options.retry };
  const timeouts = { ...defaultTimeouts, ...options.timeouts };
  const ownPool =
    options.dispatcher === undefined
      ? new Pool(endpoint.origin, { connections: 32, connect: { timeout: timeouts.connectMs }, keepAliveTimeout: 30_000 })
      : undefined;
  const dispatcher: Dispatcher = options.dispatcher ?? (ownPool as Pool);
  const userAgent = options.userAgent ?? 'oss-image-import jdcloud-client';
  const now = options.now ?? options.clock ?? (() => new Date());
  const nonce = options.nonce;
  const random = options.random ?? Math.random;
  const maxResponseBytes = options.maxResponseBytes ?? 4 * 1024 * 1024;
  const keyCache = new SigningKeyCache();

  async function call<T>(input: JdCloudCallInput<T>): Promise<JdCloudCallResult<T>> {
    const started = performance.now();
    const regionId = checkRegionId(input.regionId);
    if (!input.path.startsWith('/')) {
      throw new JdCloudConfigError('path', `path ${JSON.stringify(input.path)} must start with "/", e.g. /images:import.`);
    }
    // A URL resolves `.` and `..`: such a segment would send the call to another API.
    if (input.path.split('/').some((segment) => segment === '.' || segment === '..')) {
      throw new JdCloudConfigError('path', `path ${JSON.stringify(input.path)} has a "." or ".." segment, which would reach another path.`);
    }
    const rawPath = `${endpoint.basePath}/v1/regions/${regionId}${input.path}`;
    const query = canonicalQuery(queryPairs(input.query ?? {}));
    // For messages and for signing: the path as documented, the query as it is sent.
    const url = `${endpoint.origin}${rawPath}${query === '' ? '' : `?${query}`}`;
    const parsedUrl = new URL(url);
    const body = input.body === undefined ? undefined : JSON.stringify(input.body);
    const headers = { ...defaultHeaders, ...input.headers };

    for (let attempt = 1; ; attempt += 1) {
      // Each attempt is signed afresh: the gateway rejects a reused nonce and a stale date.
      const signed = buildSignedRequest({
        method: input.method,
        url: parsedUrl,
        headers,
        ...(body !== undefined ? { body } : {}),
        credentials,
        region: regionId,
        service,
        date: now(),
        ...(nonce !== undefined ? { nonce: nonce() } : {}),
        keyCache,
      });
      signed.headers['user-agent'] = userAgent;

      const outcome = await sendAttempt(
        {
          dispatcher,
          origin: endpoint.origin,
          method: input.method,
          pathAndQuery: signed.pathAndQuery,
          headers: signed.headers,
          body,
          url,
          attempt,
          timeouts,
          maxResponseBytes,
          signal: input.signal,
        },
        input.schema,
      );
      if (outcome.ok) return { result: outcome.result, requestId: outcome.requestId, attempts: attempt };
      if (!outcome.error.retryable) throw outcome.error;
      const delayMs = nextRetryDelayMs({
        failedAttempt: attempt,
        elapsedMs: performance.now() - started,
        retryAfterMs: outcome.retryAfterMs,
        options: retry,
        random,
      });
      if (delayMs === undefined) throw outcome.error;
      options.onRetry?.({ attempt, delayMs, error: outcome.error });
      await sleep(delayMs, undefined, input.signal === undefined ? undefined : { signal: input.signal });
    }
  }

  return {
    endpoint: options.endpoint,
    service,
    call,
    async close() {
      await ownPool?.close();
    },
  };
}
