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
      follow: { maxFollowMs: 24 * 3_600_000 },
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

  it('reads the follow-through settings: notifications, the maximum follow time, the deployed follower', () => {
    const config = loadConfig({
      IMAGE_NOTIFY_URL: 'https://hooks.example.com/images?token=abc',
      IMAGE_NOTIFY_SECRET: 'a-secret-of-16ch',
      IMAGE_FOLLOW_MAX_HOURS: '48',
      IMAGE_DEFAULT_COPY_TO_REGIONS: 'cn-east-2',
      IMAGE_DEFAULT_SHARE_WITH: 'jdpin-alice',
      OSS_IMAGE_IMPORT_FC_SERVICE: 'oss-image-import-dev',
      OSS_IMAGE_IMPORT_FC_REFRESH_FUNCTION: 'refreshStatus',
      OSS_IMAGE_IMPORT_FC_REGION: 'cn-north-1',
      JDCLOUD_FC_ENDPOINT: 'http://127.0.0.1:9781/',
      OSS_IMAGE_IMPORT_FC_TIMEOUT: '300',
      IMAGE_FOLLOW_SLICE_SECONDS: '120',
    });
    assert.deepEqual(config.follow, {
      maxFollowMs: 48 * 3_600_000,
      notify: { url: new URL('https://hooks.example.com/images?token=abc'), secret: 'a-secret-of-16ch' },
      fc: { service: 'oss-image-import-dev', functionName: 'refreshStatus', region: 'cn-north-1', endpoint: 'http://127.0.0.1:9781' },
      functionTimeoutSeconds: 300,
      sliceSeconds: 120,
    });
    assert.deepEqual(config.defaults, { 'copy-to-regions': 'cn-east-2', 'share-with': 'jdpin-alice' });
    assert.deepEqual(loadConfig({ IMAGE_NOTIFY_URL: 'http://127.0.0.1:8080/hooks' }).follow.notify, { url: new URL('http://127.0.0.1:8080/hooks') });
    // `serverless invoke local` (IS_LOCAL=true) hands nothing to the deployed follower.
    assert.equal(loadConfig({ IS_LOCAL: 'true', OSS_IMAGE_IMPORT_FC_SERVICE: 's', OSS_IMAGE_IMPORT_FC_REFRESH_FUNCTION: 'f', OSS_IMAGE_IMPORT_FC_REGION: 'cn-north-1' }).follow.fc, undefined);
  });

  it('refuses follow-through settings it cannot use, never echoing the secret or the URL\'s path or query', () => {
    const cases: Array<[NodeJS.ProcessEnv, string]> = [
      [{ IMAGE_NOTIFY_URL: 'http://hooks.example.com/services/T0AAAA/B0BBBB/path-secret?token=abc' }, 'IMAGE_NOTIFY_URL="http://hooks.example.com" is not allowed: use https (plain http only for localhost or 127.0.0.1).'],
      [{ IMAGE_NOTIFY_URL: 'ftp://hooks.example.com/' }, 'IMAGE_NOTIFY_URL="ftp://hooks.example.com" is not allowed: use https (plain http only for localhost or 127.0.0.1).'],
      [{ IMAGE_NOTIFY_URL: 'hooks.example.com' }, 'IMAGE_NOTIFY_URL is not a URL: use https://host/path (http only for localhost or 127.0.0.1).'],
      [{ IMAGE_NOTIFY_URL: 'https://user:pw@hooks.example.com/' }, 'IMAGE_NOTIFY_URL="https://hooks.example.com" has a user name or password: put a receiver\'s token in the query or use IMAGE_NOTIFY_SECRET.'],
      [{ IMAGE_NOTIFY_URL: 'https://hooks.example.com/', IMAGE_NOTIFY_SECRET: 'too-short' }, 'IMAGE_NOTIFY_SECRET is 9 characters long: use at least 16 (e.g. openssl rand -hex 24).'],
      [{ IMAGE_NOTIFY_SECRET: 'a-secret-of-16ch' }, 'IMAGE_NOTIFY_SECRET is set but IMAGE_NOTIFY_URL is not: set the URL notifications go to, or unset the secret.'],
      [{ IMAGE_FOLLOW_MAX_HOURS: '0' }, 'IMAGE_FOLLOW_MAX_HOURS="0" is not allowed: use a whole number from 1 to 168.'],
      [{ IMAGE_FOLLOW_MAX_HOURS: '1.5' }, 'IMAGE_FOLLOW_MAX_HOURS="1.5" is not allowed: use a whole number from 1 to 168.'],
      [{ IMAGE_FOLLOW_SLICE_SECONDS: '0' }, 'IMAGE_FOLLOW_SLICE_SECONDS="0" is not allowed: use a whole number of seconds from 1 to 900.'],
      [{ OSS_IMAGE_IMPORT_FC_TIMEOUT: '5m' }, 'OSS_IMAGE_IMPORT_FC_TIMEOUT="5m" is not allowed: use a whole number of seconds from 1 to 900.'],
      [{ OSS_IMAGE_IMPORT_FC_SERVICE: 's', OSS_IMAGE_IMPORT_FC_REFRESH_FUNCTION: 'f', OSS_IMAGE_IMPORT_FC_REGION: 'north' }, 'OSS_IMAGE_IMPORT_FC_REGION="north" is not a JD Cloud region id, e.g. cn-north-1.'],
    ];
    for (const [env, message] of cases) assert.throws(() => loadConfig(env), { name: 'ConfigError', message });
  });
});
