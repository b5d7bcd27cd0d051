import { PutObjectCommand, type PutObjectCommandInput } from '@aws-sdk/client-s3';
import { silentLogger } from '../src/kernel/index.js';
import { type DevStack, type DevStackOptions, startDevStack } from '../src/edges/local/index.js';

/** The local stack with a silent logger and fast task steps, for tests. */
export function startTestStack(options: Partial<DevStackOptions> = {}): Promise<DevStack> {
  return startDevStack({ logger: silentLogger(), taskStepMs: 20, ...options });
}

/** Uploads an object with user metadata and tags (the `x-amz-tagging` header). */
export async function upload(
  stack: DevStack,
  key: string,
  body: Uint8Array,
  options: { metadata?: Record<string, string>; tags?: Record<string, string> } = {},
): Promise<void> {
  const input: PutObjectCommandInput = { Bucket: stack.bucket, Key: key, Body: body };
  if (options.metadata !== undefined) input.Metadata = options.metadata;
  if (options.tags !== undefined) input.Tagging = new URLSearchParams(options.tags).toString();
  await stack.s3.send(new PutObjectCommand(input));
}
