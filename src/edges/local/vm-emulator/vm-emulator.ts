import { createJsonApiServer, listenOnLoopback, readRequestBody } from '../emulator-http.js';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isRegionId } from '../../../domain/jdcloud-rules/index.js';
import { type JdCloudCredentials, SigningKeyCache } from '../../../adapters/jdcloud/index.js';
import { newRequestId, sendFailure, sendResult, type ApiFailure } from './api-responses.js';
import { apiStatusFor, FaultQueue, type VmEmulatorFault, type VmOperation } from './faults.js';
import { ImageRegistry, type SeedTaskInput, type TaskInfo } from './image-registry.js';
import { defaultImportRules, type ImportRules } from './import-rules.js';
import { NonceRegistry } from './nonce-registry.js';
import { verifyGatewaySignature } from './verify-signature.js';
import {
  describeImageOperation,
  describeImagesOperation,
  describeImageTasksOperation,
  importImageOperation,
  routeOf,
  type OperationContext,
  type OperationReply,
} from './vm-operations.js';

export interface VmEmulatorOptions {
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** The access keys the gateway knows. */
  credentials: JdCloudCredentials[];
  /** How far x-jdcloud-date may be from the emulator's clock; default 15 minutes. */
  clockSkewMs?: number;
  /** How long a task stays pending, and each of its running steps lasts; default 1000 ms. */
  taskStepMs?: number;
  /** Running steps before a task finishes; default 3. */
  runningSteps?: number;
  /** The emulator's clock (ms since the epoch). */
  now?: () => number;
  /** importImage answers `{imageId, importTaskId: <integer>}` like the docs, not `{imageId, taskId: "<string>"}`. */
  legacyTaskIds?: boolean;
  /** Accepted imageTasks pageSize; default 10 to 10, the only size both documented ranges allow. */
  pageSizeRange?: { min: number; max: number };
  importRules?: ImportRules;
}

/** Live counts of what the emulator received. */
export interface VmEmulatorCounters {
  /** Every request, faulted or not. */
  requests: number;
  requestsByOperation: Record<VmOperation, number>;
  /** New images; a repeated clientToken does not count. */
  imagesCreated: number;
  /** Requests the gateway turned away (signature, date, nonce). */
  rejectedByGateway: number;
  faultsServed: number;
}

/** One request as received, for assertions (no authorization header or body kept). */
export interface RecordedRequest {
  operation: VmOperation;
  method: string;
  target: string;
  region: string;
  nonce: string | undefined;
  jdcloudDate: string | undefined;
  requestId: string;
  /** The HTTP status sent, or what happened instead. */
  outcome: number | 'dropped' | 'hung' | 'truncated';
  fault?: VmEmulatorFault['kind'];
}

export interface VmEmulator {
  /** Base URL, e.g. `http://127.0.0.1:39211`: use it as JDCLOUD_VM_ENDPOINT. */
  url: string;
  port: number;
  counters: VmEmulatorCounters;
  requests: RecordedRequest[];
  injectFault(fault: VmEmulatorFault): void;
  clearFaults(): void;
  /** Makes a pending or running task fail now with this message. */
  failTask(taskId: string, message: string): void;
  /** The next import (one per call) fails with this message instead of finishing. */
  failNextImport(message: string): void;
  /** Adds a task in a fixed state, in any region. */
  seedTask(input: SeedTaskInput): { taskId: string; imageId: string };
  /** Every task as imageTasks would report it now. */
  tasks(region?: string): Array<TaskInfo & { region: string }>;
  stop(): Promise<void>;
}

const maxBodyBytes = 1024 * 1024;

const htmlErrorPage = (status: number) =>
  `<html>\r\n<head><title>${status} Bad Gateway</title></head>\r\n<body>\r\n<center><h1>${status} Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;

function headerText(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * A local VM OpenAPI on real HTTP: a gateway as strict as JD's (JDCLOUD2 signature, date skew,
 * nonce reuse) in front of importImage, imageTasks and describeImage, with clientToken
 * idempotency, tasks that advance pending → running → finished, injectable faults and counters.
 */
export async function startVmEmulator(options: VmEmulatorOptions): Promise<VmEmulator> {
  if (options.credentials.length === 0) throw new Error('startVmEmulator needs at least one access key in credentials.');
  const now = options.now ?? Date.now;
  const clockSkewMs = options.clockSkewMs ?? 15 * 60_000;
  const secrets = new Map(options.credentials.map((credential) => [credential.accessKeyId, credential.secretAccessKey]));
  // A nonce older than the skew window fails the date check, so remembering it longer is useless.
  const nonces = new NonceRegistry(2 * clockSkewMs);
  const faults = new FaultQueue();
  const keyCache = new SigningKeyCache();
  const registry = new ImageRegistry({ stepMs: options.taskStepMs ?? 1000, runningSteps: options.runningSteps ?? 3 });
  const counters: VmEmulatorCounters = {
    requests: 0,
    requestsByOperation: { importImage: 0, describeImageTasks: 0, describeImage: 0, describeImages: 0, unknown: 0 },
    imagesCreated: 0,
    rejectedByGateway: 0,
    faultsServed: 0,
  };
  const requests: RecordedRequest[] = [];
  const pendingTimers = new Set<NodeJS.Timeout>();

  const delay = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        pendingTimers.delete(timer);
        resolve();
      }, ms);
      pendingTimers.add(timer);
    });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await readRequestBody(request, maxBodyBytes);
    const method = request.method ?? 'GET';
    const target = request.url ?? '/';
    const route = routeOf(method, target);
    const requestId = newRequestId();
    const record: RecordedRequest = {
      operation: route.operation,
      method,
      target,
      region: route.region,
      nonce: headerText(request, 'x-jdcloud-nonce'),
      jdcloudDate: headerText(request, 'x-jdcloud-date'),
      requestId,
      outcome: 200,
    };
    counters.requests += 1;
    counters.requestsByOperation[route.operation] += 1;
    requests.push(record);
    // Keep the log bounded; dropping in batches keeps the cost per request constant.
    if (requests.length > 10_000) requests.splice(0, 1_000);

    const fail = (failure: ApiFailure, headers?: Record<string, string>) => {
      record.outcome = failure.httpStatus;
      sendFailure(response, requestId, failure, headers);
    };

    const fault = faults.take(route.operation);
    if (fault !== undefined) {
      counters.faultsServed += 1;
      record.fault = fault.kind;
      switch (fault.kind) {
        case 'status': {
          const defaults = apiStatusFor(fault.status);
          const headers: Record<string, string> = fault.retryAfter === undefined ? {} : { 'retry-after': String(fault.retryAfter) };
          fail({ httpStatus: fault.status, status: fault.apiStatus ?? defaults.status, message: fault.message ?? defaults.message }, headers);
          return;
        }
        case 'html': {
          const status = fault.status ?? 502;
          record.outcome = status;
          response.writeHead(status, { 'content-type': 'text/html', server: 'nginx' });
          response.end(htmlErrorPage(status));
          return;
        }
        case 'raw':
          record.outcome = fault.status;
          response.writeHead(fault.status, fault.headers ?? {});
          response.end(fault.body);
          return;
        case 'delay':
          await delay(fault.ms);
          break;
        case 'drop':
          if (fault.afterProcessing !== true) {
            record.outcome = 'dropped';
            request.socket.destroy();
            return;
          }
          break;
        case 'hang':
          record.outcome = 'hung';
          response.writeHead(200, { 'content-type': 'application/json', 'x-jdcloud-request-id': requestId });
          response.write(`{"requestId":"${requestId}","result":`);
          return;
        case 'truncate': {
          record.outcome = 'truncated';
          const text = JSON.stringify({ requestId, result: { imageId: 'img-truncated', taskId: '1' } });
          response.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) });
          response.write(text.slice(0, 20), () => request.socket.destroy());
          return;
        }
      }
    }

    if (body === undefined) return fail({ httpStatus: 413, status: 'INVALID_ARGUMENT', message: `request body is larger than ${maxBodyBytes} bytes` });
    const nowMs = now();
    const verdict = verifyGatewaySignature(
      { method, target, headers: request.headers, body, region: route.region },
      { service: 'vm', secretFor: (id) => secrets.get(id), clockSkewMs, nonces, nowMs, keyCache },
    );
    if (!verdict.ok) {
      counters.rejectedByGateway += 1;
      return fail(verdict.failure);
    }
    if (route.operation === 'unknown') return fail({ httpStatus: 404, status: 'NOT_FOUND', message: `${method} ${target.split('?')[0]} is not an API of this emulator` });
    if (!isRegionId(route.region)) return fail({ httpStatus: 400, status: 'INVALID_ARGUMENT', message: `Invalid regionId '${route.region}'` });

    const context: OperationContext = {
      registry,
      rules: options.importRules ?? defaultImportRules,
      nowMs,
      accessKeyId: verdict.accessKeyId,
      legacyTaskIds: options.legacyTaskIds === true,
      pageSizeRange: options.pageSizeRange ?? { min: 10, max: 10 },
      onImageCreated: () => {
        counters.imagesCreated += 1;
      },
    };
    const reply: OperationReply =
      route.operation === 'importImage'
        ? importImageOperation(route, body, context)
        : route.operation === 'describeImageTasks'
          ? describeImageTasksOperation(route, target, context)
          : route.operation === 'describeImages'
            ? describeImagesOperation(route, target, context)
            : describeImageOperation(route, context);

    if (fault?.kind === 'drop') {
      record.outcome = 'dropped';
      request.socket.destroy();
      return;
    }
    if (!reply.ok) return fail(reply.failure);
    sendResult(response, requestId, reply.result);
  }

  const listening = await listenOnLoopback(createJsonApiServer(handle, { keepAliveTimeout: 65_000 }), options);

  return {
    url: listening.url,
    port: listening.port,
    counters,
    requests,
    injectFault: (fault) => faults.add(fault),
    clearFaults: () => faults.clear(),
    failTask: (taskId, message) => registry.failTask(taskId, message, now()),
    failNextImport: (message) => registry.failNextImport(message),
    seedTask: (input) => registry.seedTask(input, now()),
    tasks: (region) =>
      registry
        .allTasks()
        .filter((task) => region === undefined || task.region === region)
        .map((task) => ({ ...registry.taskInfo(task, now()), region: task.region })),
    async stop() {
      for (const timer of pendingTimers) clearTimeout(timer);
      pendingTimers.clear();
      await listening.close();
    },
  };
}
