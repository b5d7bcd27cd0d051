import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool, type Dispatcher } from 'undici';
import type * as z from '../../../kernel/zod.js';
import { checkCredentials } from '../credentials.js';
import { JdCloudConfigError } from '../errors/jdcloud-config-error.js';
import type { JdCloudError } from '../errors/jdcloud-error.js';
import { checkRegionId } from '../region.js';
import { dateHeader, nonceHeader } from '../signing/algorithm.js';
import { canonicalQuery } from '../signing/canonical-query.js';
import { canonicalUri } from '../signing/canonical-uri.js';
import { formatJdcloudDate } from '../signing/jdcloud-date.js';
import { payloadHash } from '../signing/payload-hash.js';
import { signCanonicalRequest, type JdCloudCredentials } from '../signing/sign-canonical-request.js';
import { SigningKeyCache } from '../signing/signing-key.js';
import { parseEndpoint } from './endpoint.js';
import { queryPairs, type QueryValue } from './query-params.js';
import { defaultRetryOptions, nextRetryDelayMs, type RetryOptions } from './retry-policy.js';
import { sendAttempt, type ClientTimeouts } from './send-attempt.js';

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
  /** The clock used to date each attempt. */
  clock?: () => Date;
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
  const host = new URL(endpoint.origin).host;
  const userAgent = options.userAgent ?? 'oss-image-import jdcloud-client';
  const clock = options.clock ?? (() => new Date());
  const random = options.random ?? Math.random;
  const maxResponseBytes = options.maxResponseBytes ?? 4 * 1024 * 1024;
  const keyCache = new SigningKeyCache();

  async function call<T>(input: JdCloudCallInput<T>): Promise<JdCloudCallResult<T>> {
    const started = performance.now();
    const regionId = checkRegionId(input.regionId);
    if (!input.path.startsWith('/')) {
      throw new JdCloudConfigError('path', `path ${JSON.stringify(input.path)} must start with "/", e.g. /images:import.`);
    }
    const rawPath = `${endpoint.basePath}/v1/regions/${regionId}${input.path}`;
    const uri = canonicalUri(rawPath);
    const query = canonicalQuery(queryPairs(input.query ?? {}));
    const pathAndQuery = query === '' ? uri : `${uri}?${query}`;
    const url = `${endpoint.origin}${rawPath}${query === '' ? '' : `?${query}`}`;
    const body = input.body === undefined ? undefined : JSON.stringify(input.body);
    const bodyHash = payloadHash(body);
    const extraHeaders: Record<string, string> = {};
    for (const [name, value] of Object.entries(input.headers ?? {})) extraHeaders[name.toLowerCase()] = value;

    for (let attempt = 1; ; attempt += 1) {
      // Each attempt is signed afresh: the gateway rejects a reused nonce and a stale date.
      const jdcloudDate = formatJdcloudDate(clock());
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        ...extraHeaders,
        host,
        [dateHeader]: jdcloudDate,
        [nonceHeader]: randomUUID(),
      };
      const signed = signCanonicalRequest({
        method: input.method,
        canonicalUri: uri,
        canonicalQuery: query,
        headers,
        payloadHash: bodyHash,
        jdcloudDate,
        region: regionId,
        service,
        credentials,
        keyCache,
      });
      headers['authorization'] = signed.authorization;
      headers['user-agent'] = userAgent;

      const outcome = await sendAttempt(
        {
          dispatcher,
          origin: endpoint.origin,
          method: input.method,
          pathAndQuery,
          headers,
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
