import type { CliIo } from '../src/edges/cli/index.js';

/** A CliIo that records what a command printed, with the environment given. */
export function captureIo(env: NodeJS.ProcessEnv, options: { isTty?: boolean; columns?: number; signal?: AbortSignal } = {}) {
  const captured = { out: '', err: '' };
  const io: CliIo = {
    out: (text) => {
      captured.out += text;
    },
    err: (text) => {
      captured.err += text;
    },
    env,
    isTty: options.isTty ?? false,
    columns: options.columns,
    signal: options.signal ?? new AbortController().signal,
  };
  return { io, captured };
}

/** The environment that points the CLI and the function at a local stack. */
export function stackEnv(stack: { ossEndpoint: string; vmEndpoint: string }): NodeJS.ProcessEnv {
  return {
    JDCLOUD_ACCESS_KEY_ID: 'S3RVER',
    JDCLOUD_SECRET_ACCESS_KEY: 'S3RVER',
    JDCLOUD_REGION: 'cn-north-1',
    OSS_ENDPOINT: stack.ossEndpoint,
    JDCLOUD_VM_ENDPOINT: stack.vmEndpoint,
    LOG_LEVEL: 'silent',
  };
}
