import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../../src/use-cases/config/config.js';

describe('loadConfig', () => {
  it('has the documented defaults', () => {
    const config = loadConfig({});
    assert.deepEqual(config, {
      region: 'cn-north-1',
      vmEndpoint: 'https://vm.jdcloud-api.com',
      statusPrefix: '.image-import/',
      imageUrlExpiresSeconds: 24 * 3600,
      defaults: {},
      concurrency: 8,
      unpackMaxBytes: 500 * 2 ** 30,
    });
  });

  it('reads every variable', () => {
    const config = loadConfig({
      JDCLOUD_REGION: 'cn-east-2',
      JDCLOUD_VM_ENDPOINT: 'http://127.0.0.1:9780/',
      OSS_ENDPOINT: 'https://s3-internal.cn-east-2.jdcloud-oss.com',
      IMAGE_STATUS_PREFIX: 'records/',
      IMAGE_ALLOWED_BUCKETS: 'a, b',
      IMAGE_URL_EXPIRES_HOURS: '168',
      IMAGE_IMPORT_CONCURRENCY: '16',
      IMAGE_DEFAULT_PLATFORM: 'rocky-linux',
      IMAGE_DEFAULT_ARCHITECTURE: 'aarch64',
      IMAGE_UNPACK_MAX_BYTES: '1048576',
    });
    assert.equal(config.unpackMaxBytes, 1048576);
    assert.equal(config.vmEndpoint, 'http://127.0.0.1:9780');
    assert.deepEqual(config.allowedBuckets, ['a', 'b']);
    assert.equal(config.imageUrlExpiresSeconds, 7 * 24 * 3600);
    assert.deepEqual(config.defaults, { platform: 'rocky-linux', architecture: 'aarch64' });
  });

  it('names the variable, the value and what is allowed', () => {
    const cases: Array<[NodeJS.ProcessEnv, string]> = [
      [{ JDCLOUD_REGION: 'north' }, 'JDCLOUD_REGION="north" is not a JD Cloud region id, e.g. cn-north-1.'],
      [{ IMAGE_URL_EXPIRES_HOURS: '12' }, 'IMAGE_URL_EXPIRES_HOURS="12" is not allowed: use a whole number from 24 to 168.'],
      [{ IMAGE_UNPACK_MAX_BYTES: '600GiB' }, 'IMAGE_UNPACK_MAX_BYTES="600GiB" is not allowed: use a whole number from 1 to 536870912000.'],
      [{ IMAGE_STATUS_PREFIX: 'status' }, 'IMAGE_STATUS_PREFIX="status" is not allowed: use a folder-like key prefix ending in "/", such as .image-import/.'],
      [{ IMAGE_DEFAULT_ARCHITECTURE: 'sparc' }, 'IMAGE_DEFAULT_ARCHITECTURE: architecture "sparc" (from configured default architecture) is not allowed: use x86_64 or arm64 (amd64 and aarch64 are accepted).'],
      [{ IMAGE_DEFAULT_SYSTEM_DISK_SIZE_GB: '45' }, 'IMAGE_DEFAULT_SYSTEM_DISK_SIZE_GB: system-disk-size-gb "45" (from configured default system-disk-size-gb) is not allowed: use a whole number of GB from 40 to 500, a multiple of 10.'],
    ];
    for (const [env, message] of cases) assert.throws(() => loadConfig(env), { name: 'ConfigError', message });
    assert.throws(() => loadConfig({ JDCLOUD_VM_ENDPOINT: 'http://vm.jdcloud-api.com' }), { name: 'JdCloudConfigError' });
  });
});
