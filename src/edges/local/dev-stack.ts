import type { S3Client } from '@aws-sdk/client-s3';
import { loadConfig } from '../../use-cases/config/index.js';
import { type EventSummary, handleEvent, type PipelineDeps } from '../../use-cases/importing/index.js';
import type { Logger } from '../../kernel/index.js';
import { createJdCloudClient, createVmApi } from '../../adapters/jdcloud/index.js';
import { createImageUrlSigner, createOssClient } from '../../adapters/oss/index.js';
import type { FollowRequest } from '../../domain/following/index.js';
import type { StatusRecord } from '../../domain/status/index.js';
import { BackgroundFollowers, createFollowDeps, type FollowTiming, followRequestsAfter } from '../../use-cases/following/index.js';
import { localOssCredentials, startLocalOss } from './local-oss.js';
import { startVmEmulator } from './vm-emulator/vm-emulator.js';

export interface DevStackOptions {
  bucket?: string;
  region?: string;
  ossPort?: number;
  vmPort?: number;
  /** Delay added to every local OSS response (benchmarks of sequential round trips). */
  ossResponseDelayMs?: number;
  /** How long the emulator keeps a task in each state. */
  taskStepMs?: number;
  env?: NodeJS.ProcessEnv;
  logger: Logger;
  /** Run the pipeline on each upload event (default true); tests that deliver events themselves turn it off. */
  autoImport?: boolean;
  /** Told after each event the local OSS delivered has been handled. */
  onSummary?: (summary: EventSummary) => void;
  /**
   * Follow each import to its end in this process, as serve does (ready, copies, shares,
   * notifications); off by default, so tests that move records themselves see them unmoved.
   */
  follow?: { timing?: Partial<FollowTiming>; onProgress?: (request: FollowRequest, record: StatusRecord) => void };
}

/** A port of the stack is taken by another process; `server` says which flag moves it. */
export class PortInUseError extends Error {
  override name = 'PortInUseError';
  readonly server: 'oss' | 'vm';
  readonly port: number;

  constructor(server: 'oss' | 'vm', port: number, cause: unknown) {
    super(`Port ${port} is in use (${server === 'oss' ? 'local OSS' : 'VM API emulator'}).`, { cause });
    this.server = server;
    this.port = port;
  }
}

function portInUse(error: unknown, server: 'oss' | 'vm', port: number | undefined): unknown {
  const code = (error as { code?: unknown }).code;
  return code === 'EADDRINUSE' && port !== undefined ? new PortInUseError(server, port, error) : error;
}

export interface DevStack {
  bucket: string;
  region: string;
  ossEndpoint: string;
  vmEndpoint: string;
  s3: S3Client;
  deps: PipelineDeps;
  vm: ReturnType<typeof createVmApi>;
  emulator: Awaited<ReturnType<typeof startVmEmulator>>;
  /** With `follow`: the followers of the imports. */
  followers?: BackgroundFollowers;
  /** Resolves when every event delivered so far has been handled (and, with `follow`, followed to its end). */
  settled(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The product on loopback: a local OSS whose upload events run the real pipeline, which
 * calls the VM API emulator over real HTTP with real signatures. One set of test keys
 * serves both, as one JD access key serves OSS and the OpenAPI.
 */
export async function startDevStack(options: DevStackOptions): Promise<DevStack> {
  const bucket = options.bucket ?? 'images';
  const region = options.region ?? 'cn-north-1';
  const oss = await startLocalOss({
    buckets: [bucket],
    ...(options.ossPort !== undefined ? { port: options.ossPort } : {}),
    ...(options.ossResponseDelayMs !== undefined ? { responseDelayMs: options.ossResponseDelayMs } : {}),
  }).catch((error: unknown) => {
    throw portInUse(error, 'oss', options.ossPort);
  });
  let emulator: Awaited<ReturnType<typeof startVmEmulator>>;
  try {
    emulator = await startVmEmulator({
      credentials: [localOssCredentials],
      ...(options.vmPort !== undefined ? { port: options.vmPort } : {}),
      ...(options.taskStepMs !== undefined ? { taskStepMs: options.taskStepMs } : {}),
    });
  } catch (error) {
    await oss.stop();
    throw portInUse(error, 'vm', options.vmPort);
  }
  const config = loadConfig({
    ...(options.env ?? {}),
    JDCLOUD_REGION: region,
    JDCLOUD_VM_ENDPOINT: emulator.url,
    OSS_ENDPOINT: oss.endpoint,
  });
  const s3 = createOssClient({ region, endpoint: oss.endpoint, credentials: localOssCredentials });
  const client = createJdCloudClient({ endpoint: emulator.url, service: 'vm', credentials: localOssCredentials });
  const vm = createVmApi(client);
  const deps: PipelineDeps = {
    s3,
    vm,
    imageUrlSigner: (signingRegion) => createImageUrlSigner(signingRegion, localOssCredentials),
    config,
    now: () => new Date(),
    logger: options.logger,
  };

  // Stopping the stack cuts the followers' JD calls and notification retries short.
  const stopping = new AbortController();
  const followDeps =
    options.follow === undefined
      ? undefined
      : createFollowDeps(config, localOssCredentials, { logger: options.logger, s3, signal: stopping.signal, ...(options.follow.timing !== undefined ? { timing: options.follow.timing } : {}) });
  const followers = followDeps === undefined ? undefined : new BackgroundFollowers(followDeps, options.follow?.onProgress);
  const inFlight = new Set<Promise<void>>();
  oss.onEvent((event) => {
    if (options.autoImport === false) return;
    const handled = handleEvent(event, deps)
      .then((summary) => {
        if (followers !== undefined) {
          for (const request of followRequestsAfter(summary.outcomes, { now: new Date(), notify: config.follow.notify !== undefined })) followers.start(request);
        }
        options.onSummary?.(summary);
      })
      .catch((error: unknown) => options.logger.error({ error: String(error) }, 'event handling failed'));
    inFlight.add(handled);
    void handled.finally(() => inFlight.delete(handled));
  });

  const settled = async () => {
    while (inFlight.size > 0) await Promise.all([...inFlight]);
    await followers?.settled();
  };
  return {
    bucket,
    region,
    ossEndpoint: oss.endpoint,
    vmEndpoint: emulator.url,
    s3,
    deps,
    vm,
    emulator,
    ...(followers !== undefined ? { followers } : {}),
    settled,
    async stop() {
      while (inFlight.size > 0) await Promise.all([...inFlight]);
      stopping.abort();
      await followers?.stop();
      await followDeps?.close();
      s3.destroy();
      await client.close();
      await emulator.stop();
      await oss.stop();
    },
  };
}
