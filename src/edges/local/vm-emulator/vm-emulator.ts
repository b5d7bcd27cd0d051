import { createJsonApiServer, listenOnLoopback, readRequestBody } from '../emulator-http.js';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isRegionId } from '../../../domain/jdcloud-rules/index.js';
import { type JdCloudCredentials, SigningKeyCache } from '../../../adapters/jdcloud/index.js';
import { newRequestId, sendFailure, sendResult, type ApiFailure } from './api-responses.js';
import { FaultQueue, serveFault, type FaultOutcome, type VmEmulatorFault, type VmOperation } from './faults.js';
import { ImageCatalog, type EmulatedImage } from './image-catalog.js';
import { ImageRegistry, type SeedTaskInput, type TaskInfo } from './image-registry.js';
import { defaultImportRules, type ImportRules } from './import-rules.js';
import { NonceRegistry } from './nonce-registry.js';
import { verifyGatewaySignature } from './verify-signature.js';
import type { OperationContext } from './vm-operations.js';
import { routeOf } from './vm-routes.js';

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
  /** Copies copyImages started. */
  imagesCopied: number;
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
  jdCloudDate: string | undefined;
  requestId: string;
  /** The HTTP status sent, or what happened instead. */
  outcome: FaultOutcome;
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
  /**
   * Every image (imported and copied) as describeImage would report it now, with its region,
   * owner, the image it was copied from and the pins it was shared with.
   */
  images(region?: string): EmulatedImage[];
  stop(): Promise<void>;
}

const maxBodyBytes = 1024 * 1024;

function headerText(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * A local VM OpenAPI on real HTTP: a gateway as strict as JD's (JDCLOUD2 signature, date skew,
 * nonce reuse) in front of importImage, imageTasks, describeImage(s), copyImages and shareImage
 * in every region, with clientToken idempotency, tasks and copies that advance on the task
 * clock, injectable faults and counters.
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
  const catalog = new ImageCatalog(registry);
  const counters: VmEmulatorCounters = {
    requests: 0,
    requestsByOperation: { importImage: 0, describeImageTasks: 0, describeImage: 0, describeImages: 0, copyImages: 0, shareImage: 0, unknown: 0 },
    imagesCreated: 0,
    imagesCopied: 0,
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
      jdCloudDate: headerText(request, 'x-jdcloud-date'),
      requestId,
      outcome: 200,
    };
    counters.requests += 1;
    counters.requestsByOperation[route.operation] += 1;
    requests.push(record);
    // Keep the log bounded; dropping in batches keeps the cost per request constant.
    if (requests.length > 10_000) requests.splice(0, 1_000);

    const fail = (failure: ApiFailure) => {
      record.outcome = failure.httpStatus;
      sendFailure(response, requestId, failure);
    };

    const fault = faults.take(route.operation);
    if (fault !== undefined) {
      counters.faultsServed += 1;
      record.fault = fault.kind;
      const outcome = await serveFault(fault, { request, response, requestId, delay });
      if (outcome !== 'continue') {
        record.outcome = outcome;
        return;
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
    if (route.handle === undefined) return fail({ httpStatus: 404, status: 'NOT_FOUND', message: `${method} ${target.split('?')[0]} is not an API of this emulator` });
    if (!isRegionId(route.region)) return fail({ httpStatus: 400, status: 'INVALID_ARGUMENT', message: `Invalid regionId '${route.region}'` });

    const context: OperationContext = {
      registry,
      catalog,
      rules: options.importRules ?? defaultImportRules,
      nowMs,
      accessKeyId: verdict.accessKeyId,
      legacyTaskIds: options.legacyTaskIds === true,
      pageSizeRange: options.pageSizeRange ?? { min: 10, max: 10 },
      onImageCreated: () => {
        counters.imagesCreated += 1;
      },
      onImagesCopied: (count) => {
        counters.imagesCopied += count;
      },
    };
    const reply = route.handle({ route, target, body }, context);

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
    images: (region) => catalog.list(region, now()),
    async stop() {
      for (const timer of pendingTimers) clearTimeout(timer);
      pendingTimers.clear();
      await listening.close();
    },
  };
}
