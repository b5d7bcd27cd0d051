import { createJsonApiServer, listenOnLoopback, readRequestBody } from '../emulator-http.js';
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isRegionId } from '../../../domain/jdcloud-rules/index.js';
import { type JdCloudCredentials, SigningKeyCache } from '../../../adapters/jdcloud/index.js';
import { newRequestId, sendFailure, sendResult, type ApiFailure } from '../vm-emulator/api-responses.js';
import { NonceRegistry } from '../vm-emulator/nonce-registry.js';
import { verifyGatewaySignature } from '../vm-emulator/verify-signature.js';
import { routeOf, type FcOperation } from './fc-routes.js';
import { fcDocumentedRuntime, type FcInstanceType } from '../../../domain/jdcloud-rules/index.js';
import { FcInvoker } from './fc-invoker.js';
import { FcStore } from './fc-store.js';
import { firingTrigger, ossTriggerEvent, type OssUpload } from './fc-triggers.js';
import type { InvocationOutcome, RecordedInvocation, StoredFunction, StoredService } from './fc-state.js';

export interface FcEmulatorOptions {
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** The access keys the gateway knows. */
  credentials: JdCloudCredentials[];
  /** What describeRuntimes answers; default what JD documents: nodejs16 only (docs §3.2). */
  runtimes?: readonly string[];
  /** What describeInstanceTypes answers; default the documented cpu/memory pairs. */
  instanceTypes?: readonly FcInstanceType[];
  /**
   * The Node binary that runs a function of each runtime (`nodejs16` → a Node 16 binary) for
   * asynchronous invocations; a runtime not listed runs on this process's node.
   */
  nodeBinaries?: Readonly<Record<string, string>>;
  /** How far x-jdcloud-date may be from the emulator's clock; default 15 minutes. */
  clockSkewMs?: number;
  /** The emulator's clock (ms since the epoch). */
  now?: () => number;
}

/**
 * One API call as received, after the gateway let it through or turned it away. Tests assert
 * on these: the operation, the path under `/v1/regions/{regionId}`, the query and the parsed
 * JSON body (a createFunction/updateFunction zip is replaced by its size and SHA-256).
 */
export interface RecordedCall {
  operation: FcOperation;
  method: string;
  region: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  /** `x-fc-invocation-type`, on invokeFunction. */
  invocationType?: string;
  /** The HTTP status sent. */
  status: number;
}

export interface FcEmulator {
  /** Base URL, e.g. `http://127.0.0.1:39211`: use it as JDCLOUD_FC_ENDPOINT. */
  url: string;
  port: number;
  /** Every call in order. */
  calls: RecordedCall[];
  /** Calls that changed something (anything but GET), in order. */
  writes(): RecordedCall[];
  /** Asynchronous invocations in order; each runs the function's bundle (read-only). */
  invocations: readonly RecordedInvocation[];
  /** Resolves when every invocation received so far has ended. */
  settled(): Promise<InvocationOutcome[]>;
  store: FcStore;
  /** The next call of this operation fails with this error envelope. */
  failNext(operation: FcOperation, failure: ApiFailure): void;
  /**
   * What OSS does on an upload to a bucket with fc triggers: invokes the function whose trigger
   * matches (asynchronously, like an fc Async invocation) with the OSS event; undefined when none does.
   */
  deliverOssEvent(upload: OssUpload): RecordedInvocation | undefined;
  stop(): Promise<void>;
}

/** A base64 zip of 50 MB is ~67 MB of JSON. */
const maxBodyBytes = 80 * 1024 * 1024;

/** The body as recorded: parsed JSON, with a zip shown as `{ bytes, sha256 }` instead of base64. */
function recordedBody(parsed: unknown): unknown {
  return JSON.parse(JSON.stringify(parsed ?? null), (key, value: unknown) => {
    if (key === 'zipFile' && typeof value === 'string') {
      const zip = Buffer.from(value, 'base64');
      return { bytes: zip.length, sha256: createHash('sha256').update(zip).digest('hex') };
    }
    return value;
  }) as unknown;
}

/**
 * A local Function Compute OpenAPI on real HTTP (docs/reference/jdcloud-api.md §3): the same strict
 * gateway as the VM emulator (JDCLOUD2 signature recomputed with the shared signer, scope
 * service `fc`, date skew, nonce reuse) in front of services, functions and triggers kept in
 * memory. Every call is recorded so tests can assert the exact requests a deploy makes.
 */
export async function startFcEmulator(options: FcEmulatorOptions): Promise<FcEmulator> {
  if (options.credentials.length === 0) throw new Error('startFcEmulator needs at least one access key in credentials.');
  const now = options.now ?? Date.now;
  const clockSkewMs = options.clockSkewMs ?? 15 * 60_000;
  const secrets = new Map(options.credentials.map((credential) => [credential.accessKeyId, credential.secretAccessKey]));
  const nonces = new NonceRegistry(2 * clockSkewMs);
  const keyCache = new SigningKeyCache();
  const invocations: RecordedInvocation[] = [];
  const invoker = new FcInvoker();
  // fc answers an Async call with its requestId at once and runs the function afterwards.
  const startInvocation = (input: { requestId: string; region: string; service: StoredService; fn: StoredFunction; event: string; invocationType: string }): RecordedInvocation => {
    const { requestId, region, service, fn, event, invocationType } = input;
    const recorded: RecordedInvocation = {
      requestId,
      region,
      serviceName: service.serviceName,
      functionName: fn.functionName,
      event,
      invocationType,
      settled: invoker
        .run({ requestId, region, serviceName: service.serviceName, fn, event, nodeBinary: options.nodeBinaries?.[fn.runtime] ?? process.execPath })
        .then((outcome) => {
          recorded.outcome = outcome;
          return outcome;
        }),
    };
    invocations.push(recorded);
    return recorded;
  };
  const store = new FcStore({
    runtimes: options.runtimes ?? [fcDocumentedRuntime],
    ...(options.instanceTypes !== undefined ? { instanceTypes: options.instanceTypes } : {}),
    now,
    invoke: (input) => {
      startInvocation(input);
    },
  });
  const calls: RecordedCall[] = [];
  const failures = new Map<FcOperation, ApiFailure[]>();

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await readRequestBody(request, maxBodyBytes);
    const method = request.method ?? 'GET';
    const target = request.url ?? '/';
    const route = routeOf(method, target);
    const search = new URLSearchParams(target.includes('?') ? target.slice(target.indexOf('?') + 1) : '');
    const requestId = newRequestId();
    const invocationHeader = request.headers['x-fc-invocation-type'];
    let parsedBody: unknown;
    try {
      parsedBody = body === undefined || body.length === 0 ? undefined : JSON.parse(body.toString('utf8'));
    } catch {
      parsedBody = body?.toString('utf8');
    }
    const call: RecordedCall = {
      operation: route.operation,
      method,
      region: route.region,
      path: route.path,
      query: Object.fromEntries(search),
      body: recordedBody(parsedBody),
      ...(typeof invocationHeader === 'string' ? { invocationType: invocationHeader } : {}),
      status: 200,
    };
    calls.push(call);
    const fail = (failure: ApiFailure): void => {
      call.status = failure.httpStatus;
      sendFailure(response, requestId, failure);
    };

    if (body === undefined) return fail({ httpStatus: 413, status: 'INVALID_ARGUMENT', message: `request body is larger than ${maxBodyBytes} bytes` });
    const verdict = verifyGatewaySignature(
      { method, target, headers: request.headers, body, region: route.region },
      { service: 'fc', secretFor: (id) => secrets.get(id), clockSkewMs, nonces, nowMs: now(), keyCache },
    );
    if (!verdict.ok) return fail(verdict.failure);
    if (route.operation === 'unknown') return fail({ httpStatus: 404, status: 'NOT_FOUND', message: `${method} ${target.split('?')[0] ?? ''} is not an fc API` });
    if (!isRegionId(route.region)) return fail({ httpStatus: 400, status: 'INVALID_ARGUMENT', message: `Invalid regionId '${route.region}'` });
    const injected = failures.get(route.operation)?.shift();
    if (injected !== undefined) return fail(injected);
    if (parsedBody !== undefined && typeof parsedBody !== 'object') return fail({ httpStatus: 400, status: 'INVALID_ARGUMENT', message: 'the body is not JSON' });

    const reply = store.apply(route, search, parsedBody, typeof invocationHeader === 'string' ? invocationHeader : undefined, requestId);
    if (!reply.ok) return fail(reply.failure);
    sendResult(response, requestId, reply.result);
  }

  const listening = await listenOnLoopback(createJsonApiServer(handle), options);

  return {
    url: listening.url,
    port: listening.port,
    calls,
    writes: () => calls.filter((call) => call.method !== 'GET'),
    invocations,
    settled: () => Promise.all(invocations.map((invocation) => invocation.settled)),
    store,
    failNext(operation, failure) {
      failures.set(operation, [...(failures.get(operation) ?? []), failure]);
    },
    deliverOssEvent(upload) {
      const candidates = store.services(upload.region).flatMap((service) =>
        [...service.functions.values()].flatMap((fn) => [...fn.triggers.values()].map((trigger) => ({ service, fn, trigger }))),
      );
      const fired = firingTrigger(candidates, upload);
      if (fired === undefined) return undefined;
      fired.fn.invocationCount += 1;
      const event = JSON.stringify(ossTriggerEvent(upload, new Date(now())));
      return startInvocation({ requestId: newRequestId(), region: upload.region, service: fired.service, fn: fired.fn, event, invocationType: 'Async' });
    },
    stop: async () => {
      invoker.stop();
      await Promise.all(invocations.map((invocation) => invocation.settled));
      await listening.close();
    },
  };
}
