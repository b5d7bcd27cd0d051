import { localOssCredentials, type DevStack } from '../src/edges/local/index.js';

/** The environment a deployed importImage bundle needs to run against the local stack. */
export function bundleEnvironment(stack: DevStack): Record<string, string> {
  return {
    JDCLOUD_ACCESS_KEY_ID: localOssCredentials.accessKeyId,
    JDCLOUD_SECRET_ACCESS_KEY: localOssCredentials.secretAccessKey,
    JDCLOUD_REGION: stack.region,
    OSS_ENDPOINT: stack.ossEndpoint,
    JDCLOUD_VM_ENDPOINT: stack.vmEndpoint,
    IMAGE_ALLOWED_BUCKETS: stack.bucket,
  };
}
