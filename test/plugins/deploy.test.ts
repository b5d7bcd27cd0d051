import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { zipEntries } from '../../plugins/jdcloud/package/zip-bundle.js';
import { startFcEmulator, type FcEmulator, type RecordedCall } from '../../src/edges/local/fc-emulator/index.js';
import { fixtureYml, frameworkError, makeServiceDir, repoRoot, runServerless, type ServiceDir } from './serverless-cli.js';

const credentials = { accessKeyId: 'AKIDDEPLOYTEST', secretAccessKey: 'deploy-test-secret' };
const functionPath = '/services/fixture-images-dev/functions/importImage';
const qcow2Config = '{"events":["oss:ObjectCreated:*"],"filter":{"key":{"suffix":".qcow2"}}}';
const vhdConfig = '{"events":["oss:ObjectCreated:*"],"filter":{"key":{"suffix":".vhd"}}}';

/** A call as the tests compare it: what was asked, not when. */
function request(call: RecordedCall): { method: string; path: string; query?: Record<string, string>; body?: unknown } {
  return {
    method: call.method,
    path: call.path,
    ...(Object.keys(call.query).length > 0 ? { query: call.query } : {}),
    ...(call.body !== null ? { body: call.body } : {}),
  };
}

function envFor(emulator: FcEmulator): Record<string, string> {
  return { JDCLOUD_ACCESS_KEY_ID: credentials.accessKeyId, JDCLOUD_SECRET_ACCESS_KEY: credentials.secretAccessKey, JDCLOUD_FC_ENDPOINT: emulator.url };
}

async function zipFacts(service: ServiceDir): Promise<{ bytes: number; sha256: string }> {
  const zip = await readFile(join(service.dir, '.serverless', 'importImage.zip'));
  return { bytes: zip.length, sha256: createHash('sha256').update(zip).digest('hex') };
}

describe('serverless deploy, info, invoke and remove against the local fc API', () => {
  let emulator: FcEmulator;
  let service: ServiceDir;

  before(async () => {
    emulator = await startFcEmulator({ credentials: [credentials], runtimes: ['nodejs16', 'nodejs20', 'nodejs22', 'python3.9'] });
    service = await makeServiceDir(fixtureYml);
  });
  after(async () => {
    await emulator.stop();
    await service.remove();
  });
  beforeEach(() => {
    emulator.calls.length = 0;
  });

  const deploy = async (): Promise<string> => {
    const result = await runServerless(service.dir, ['deploy'], envFor(emulator));
    assert.equal(result.code, 0, result.stdout + result.stderr);
    return result.stderr;
  };

  it('creates the service, the function on the newest Node runtime, and one trigger per oss event', async () => {
    const log = await deploy();
    const zip = await zipFacts(service);
    assert.deepEqual(emulator.calls.map(request), [
      { method: 'GET', path: '/runtimes' },
      { method: 'GET', path: '/services/fixture-images-dev' },
      { method: 'POST', path: '/services', body: { serviceSpec: { serviceName: 'fixture-images-dev' } } },
      {
        method: 'POST',
        path: '/services/fixture-images-dev/functions',
        body: {
          functionSpec: {
            functionName: 'importImage',
            code: { zipFile: zip },
            runtime: 'nodejs22',
            handler: 'index.handler',
            timeout: 30,
            memorySize: 1024,
            description: 'plugin test function',
            envs: [
              { name: 'JDCLOUD_REGION', value: 'cn-north-1' },
              { name: 'IMAGE_STATUS_PREFIX', value: '.image-import/' },
            ],
          },
        },
      },
      {
        method: 'POST',
        path: `${functionPath}/triggers`,
        body: { triggerSpec: { triggerName: 'oss-1', triggerType: 'oss', triggerConfig: qcow2Config, sourceJrn: 'jrn:oss:cn-north-1::disk-images', description: '', enable: true } },
      },
      {
        method: 'POST',
        path: `${functionPath}/triggers`,
        body: { triggerSpec: { triggerName: 'oss-2', triggerType: 'oss', triggerConfig: vhdConfig, sourceJrn: 'jrn:oss:cn-north-1::disk-images', description: '', enable: true } },
      },
    ]);
    assert.ok(emulator.calls.every((call) => call.status === 200 || call.path === '/services/fixture-images-dev'));
    assert.match(log, /^✔ Deployed service fixture-images-dev to cn-north-1 \(nodejs22\): 4 changes\.$/m);
    assert.ok(!log.includes(credentials.secretAccessKey) && !log.includes('.image-import/'), 'no secret or environment value in the log');
  });

  it('changes nothing on a second deploy of the same code and config (reads only)', async () => {
    const log = await deploy();
    assert.deepEqual(emulator.writes(), []);
    assert.deepEqual(
      emulator.calls.map((call) => `${call.method} ${call.path}`),
      [
        'GET /runtimes',
        'GET /services/fixture-images-dev',
        'GET /services/fixture-images-dev/functions',
        `GET ${functionPath}/code`,
        `GET ${functionPath}/triggers`,
      ],
    );
    assert.match(log, /^✔ No changes: service fixture-images-dev in cn-north-1 already matches serverless\.yml \(nodejs22\)\.$/m);
  });

  it('updates a changed trigger in place and deletes a removed one', async () => {
    await service.writeConfig(
      fixtureYml
        .replace("filter: { suffix: .qcow2 } }", "filter: { prefix: uploads/, suffix: .qcow2 }, description: qcow2 uploads }")
        .replace("      - oss: { bucket: disk-images, events: ['oss:ObjectCreated:*'], filter: { suffix: .vhd } }\n", ''),
    );
    await deploy();
    assert.deepEqual(emulator.writes().map(request), [
      {
        method: 'PATCH',
        path: `${functionPath}/triggers/oss-1`,
        body: { triggerConfig: '{"events":["oss:ObjectCreated:*"],"filter":{"key":{"prefix":"uploads/","suffix":".qcow2"}}}', description: 'qcow2 uploads' },
      },
      { method: 'DELETE', path: `${functionPath}/triggers/oss-2` },
    ]);
    assert.deepEqual(
      [...(emulator.store.service('cn-north-1', 'fixture-images-dev')?.functions.get('importImage')?.triggers.keys() ?? [])],
      ['oss-1'],
    );
  });

  it('recreates a trigger whose bucket changed (updateTrigger cannot change the source)', async () => {
    await service.writeConfig(fixtureYml.replace("bucket: disk-images, events: ['oss:ObjectCreated:*'], filter: { suffix: .qcow2 }", "bucket: other-images, events: ['oss:ObjectCreated:*'], filter: { suffix: .qcow2 }"));
    await deploy();
    assert.deepEqual(emulator.writes().map(request), [
      { method: 'DELETE', path: `${functionPath}/triggers/oss-1` },
      {
        method: 'POST',
        path: `${functionPath}/triggers`,
        body: { triggerSpec: { triggerName: 'oss-1', triggerType: 'oss', triggerConfig: qcow2Config, sourceJrn: 'jrn:oss:cn-north-1::other-images', description: '', enable: true } },
      },
      {
        method: 'POST',
        path: `${functionPath}/triggers`,
        body: { triggerSpec: { triggerName: 'oss-2', triggerType: 'oss', triggerConfig: vhdConfig, sourceJrn: 'jrn:oss:cn-north-1::disk-images', description: '', enable: true } },
      },
    ]);
  });

  it('sends only the function settings that changed, and the code only when its checksum differs', async () => {
    const otherBucket = fixtureYml.replace("bucket: disk-images, events: ['oss:ObjectCreated:*'], filter: { suffix: .qcow2 }", "bucket: other-images, events: ['oss:ObjectCreated:*'], filter: { suffix: .qcow2 }");
    await service.writeConfig(otherBucket.replace('  timeout: 30\n', '  timeout: 45\n  runtime: nodejs20\n').replace('    IMAGE_STATUS_PREFIX: .image-import/\n', '    IMAGE_STATUS_PREFIX: .status/\n'));
    await deploy();
    assert.deepEqual(emulator.writes().map(request), [
      {
        method: 'PATCH',
        path: functionPath,
        body: {
          runtime: 'nodejs20',
          timeout: 45,
          envs: [
            { name: 'JDCLOUD_REGION', value: 'cn-north-1' },
            { name: 'IMAGE_STATUS_PREFIX', value: '.status/' },
          ],
        },
      },
    ]);

    const handlerFile = join(service.dir, 'handler.ts');
    const original = await readFile(handlerFile, 'utf8');
    await writeFile(handlerFile, original.replace('hasRequestId:', 'changed: true,\n    hasRequestId:'));
    emulator.calls.length = 0;
    await deploy();
    const zip = await zipFacts(service);
    assert.deepEqual(emulator.writes().map(request), [{ method: 'PATCH', path: functionPath, body: { code: { zipFile: zip } } }]);
    assert.equal(emulator.store.service('cn-north-1', 'fixture-images-dev')?.functions.get('importImage')?.checkSum, zip.sha256);
  });

  it('prints what is deployed, with environment variable names but not their values', async () => {
    const result = await runServerless(service.dir, ['info'], envFor(emulator));
    assert.equal(result.code, 0, result.stdout + result.stderr);
    const fn = emulator.store.service('cn-north-1', 'fixture-images-dev')?.functions.get('importImage');
    assert.equal(
      result.stdout.trimEnd(),
      [
        'service: fixture-images-dev',
        'region: cn-north-1',
        'functions:',
        '  importImage: nodejs20, handler index.handler, 1024 MB, timeout 45 s, status Active',
        `    code: ${fn?.code.length} bytes, checksum ${fn?.checkSum}`,
        '    environment: JDCLOUD_REGION, IMAGE_STATUS_PREFIX',
        `    trigger oss-1: jrn:oss:cn-north-1::other-images ${qcow2Config} (Enable)`,
        `    trigger oss-2: jrn:oss:cn-north-1::disk-images ${vhdConfig} (Enable)`,
      ].join('\n'),
    );
    assert.deepEqual(emulator.writes(), []);
  });

  it('invokes the deployed function asynchronously with the event file as its event', async () => {
    await writeFile(join(service.dir, 'event.json'), JSON.stringify({ Records: [{ s3: { bucket: { name: 'disk-images' }, object: { key: 'a.qcow2' } } }] }, null, 2));
    const result = await runServerless(service.dir, ['invoke', '-f', 'importImage', '-p', 'event.json'], envFor(emulator));
    assert.equal(result.code, 0, result.stdout + result.stderr);
    const [call] = emulator.calls;
    assert.deepEqual(emulator.calls.map(request), [
      { method: 'POST', path: `${functionPath}/invocations`, body: { body: '{"Records":[{"s3":{"bucket":{"name":"disk-images"},"object":{"key":"a.qcow2"}}}]}' } },
    ]);
    assert.equal(call?.invocationType, 'Async');
    const printed = JSON.parse(result.stdout) as Record<string, unknown>;
    assert.deepEqual({ ...printed, requestId: undefined }, { function: 'importImage', service: 'fixture-images-dev', invocationType: 'Async', requestId: undefined });
    assert.match(String(printed['requestId']), /^[a-z0-9]{32}$/);
  });

  it('removes the function with its triggers, then the service; a second remove finds nothing', async () => {
    const result = await runServerless(service.dir, ['remove'], envFor(emulator));
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.deepEqual(emulator.calls.map(request), [
      { method: 'GET', path: '/services/fixture-images-dev' },
      { method: 'GET', path: '/services/fixture-images-dev/functions', query: { pageNumber: '1', pageSize: '100' } },
      { method: 'DELETE', path: functionPath, query: { deleteTrigger: 'true' } },
      { method: 'DELETE', path: '/services/fixture-images-dev' },
    ]);
    assert.match(result.stderr, /^✔ Removed service fixture-images-dev from cn-north-1\.$/m);
    assert.deepEqual(emulator.store.services('cn-north-1'), []);

    const again = await runServerless(service.dir, ['remove'], envFor(emulator));
    assert.equal(again.code, 0);
    assert.match(again.stderr, /^✔ Nothing to remove: service fixture-images-dev is not deployed in cn-north-1\.$/m);
  });
});

describe('serverless deploy with the repository serverless.yml', () => {
  let emulator: FcEmulator;
  let packageDir: string;
  const env = (): Record<string, string> => ({ ...envFor(emulator), IMAGE_BUCKET: 'disk-images' });

  before(async () => {
    emulator = await startFcEmulator({ credentials: [credentials], runtimes: ['nodejs20', 'nodejs22'] });
    packageDir = await mkdtemp(join(tmpdir(), 'oss-image-import-deploy-'));
    // Packaged once into a scratch directory, then deployed from it: the checkout stays as it is.
    const packaged = await runServerless(repoRoot, ['package', '--package', packageDir], env());
    assert.equal(packaged.code, 0, packaged.stdout + packaged.stderr);
  });
  after(async () => {
    await emulator.stop();
    await rm(packageDir, { recursive: true, force: true });
  });

  it('deploys importImage with its ten OSS triggers and refreshStatus with none', async () => {
    const result = await runServerless(repoRoot, ['deploy', '--package', packageDir], env());
    assert.equal(result.code, 0, result.stdout + result.stderr);
    const functions = emulator.store.service('cn-north-1', 'oss-image-import-dev')?.functions;
    const summary = [...(functions?.values() ?? [])].map((fn) => ({
      name: fn.functionName,
      handler: fn.handler,
      runtime: fn.runtime,
      timeout: fn.timeout,
      environment: fn.envs.map((variable) => variable.name),
      triggers: [...fn.triggers.values()].map((trigger) => `${trigger.sourceJrn} ${trigger.triggerConfig}`),
    }));
    const environment = ['JDCLOUD_REGION', 'IMAGE_ALLOWED_BUCKETS', 'IMAGE_STATUS_PREFIX'];
    assert.deepEqual(summary, [
      {
        name: 'importImage',
        handler: 'index.handler',
        runtime: 'nodejs22',
        timeout: 900,
        environment: [...environment, 'IMAGE_FUNCTION_TIMEOUT_SECONDS'],
        triggers: ['2', 'w', '.vhd', '.vmdk', '.img', 'z', '.zst', '.zip', '.tar', '.ova'].map(
          (suffix) => `jrn:oss:cn-north-1::disk-images {"events":["oss:ObjectCreated:*"],"filter":{"key":{"suffix":"${suffix}"}}}`,
        ),
      },
      { name: 'refreshStatus', handler: 'index.handler', runtime: 'nodejs22', timeout: 300, environment, triggers: [] },
    ]);
    for (const name of ['importImage', 'refreshStatus']) {
      assert.deepEqual(functions?.get(name)?.code, await readFile(join(packageDir, `${name}.zip`)));
    }
    // No IMPORT_FUNCTION_* keys were set: the deploy goes through, and says what will fail.
    assert.match(
      result.stderr,
      /Function importImage is deployed without JDCLOUD_ACCESS_KEY_ID \/ JDCLOUD_SECRET_ACCESS_KEY in its environment: its calls to OSS and the VM API will fail\. Set IMPORT_FUNCTION_ACCESS_KEY_ID and IMPORT_FUNCTION_SECRET_ACCESS_KEY/,
    );
  });

  it('deploys the function\'s own keys when IMPORT_FUNCTION_* are set, without warning', async () => {
    const keyed = { ...env(), IMPORT_FUNCTION_ACCESS_KEY_ID: 'fn-key', IMPORT_FUNCTION_SECRET_ACCESS_KEY: 'fn-secret' };
    const packaged = await runServerless(repoRoot, ['package', '--package', packageDir], keyed);
    assert.equal(packaged.code, 0, packaged.stdout + packaged.stderr);
    const result = await runServerless(repoRoot, ['deploy', '--package', packageDir], keyed);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.doesNotMatch(result.stderr, /is deployed without JDCLOUD_ACCESS_KEY_ID/);
    assert.doesNotMatch(result.stdout + result.stderr, /fn-secret/);
    const envs = emulator.store.service('cn-north-1', 'oss-image-import-dev')?.functions.get('importImage')?.envs.map((variable) => variable.name);
    assert.deepEqual(envs, ['JDCLOUD_REGION', 'IMAGE_ALLOWED_BUCKETS', 'IMAGE_STATUS_PREFIX', 'JDCLOUD_ACCESS_KEY_ID', 'JDCLOUD_SECRET_ACCESS_KEY', 'IMAGE_FUNCTION_TIMEOUT_SECONDS']);
    // Back to the keyless configuration the next tests expect.
    const reset = await runServerless(repoRoot, ['package', '--package', packageDir], env());
    assert.equal(reset.code, 0, reset.stdout + reset.stderr);
    assert.equal((await runServerless(repoRoot, ['deploy', '--package', packageDir], env())).code, 0);
  });

  it('changes nothing on a second deploy', async () => {
    emulator.calls.length = 0;
    const result = await runServerless(repoRoot, ['deploy', '--package', packageDir], env());
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.deepEqual(emulator.writes(), []);
    assert.match(result.stderr, /^✔ No changes: service oss-image-import-dev in cn-north-1 already matches serverless\.yml \(nodejs22\)\.$/m);
  });

  it('invokes refreshStatus with an empty event, as a scheduler would', async () => {
    emulator.calls.length = 0;
    const result = await runServerless(repoRoot, ['invoke', '-f', 'refreshStatus'], env());
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.deepEqual(emulator.calls.map(request), [
      { method: 'POST', path: '/services/oss-image-import-dev/functions/refreshStatus/invocations', body: { body: '{}' } },
    ]);
  });
});

describe('serverless deploy refuses bad input before any API call', () => {
  let emulator: FcEmulator;
  let service: ServiceDir;

  before(async () => {
    emulator = await startFcEmulator({ credentials: [credentials], runtimes: ['nodejs16', 'nodejs20', 'nodejs22'] });
    service = await makeServiceDir(fixtureYml);
  });
  after(async () => {
    await emulator.stop();
    await service.remove();
  });
  beforeEach(() => {
    emulator.calls.length = 0;
  });

  /** Deploys with one edit to the fixture serverless.yml; asserts the whole error and that fc saw nothing. */
  async function refused(edit: (yml: string) => string, message: string, env: Record<string, string> = envFor(emulator)): Promise<void> {
    await service.writeConfig(edit(fixtureYml));
    const result = await runServerless(service.dir, ['deploy'], env);
    assert.equal(result.code, 1, result.stdout + result.stderr);
    assert.equal(frameworkError(result), message);
    assert.deepEqual(emulator.calls, []);
  }

  it('a missing region', () =>
    refused(
      (yml) => yml.replace('  region: cn-north-1\n', ''),
      'serverless.yml has a problem to fix before anything is deployed:\n  - provider.region is missing: set it in serverless.yml to the JD Cloud region of the bucket, e.g. "region: cn-north-1".',
    ));

  it('an unknown runtime', () =>
    refused(
      (yml) => yml.replace('  timeout: 30\n', '  timeout: 30\n  runtime: nodejs18\n'),
      'serverless.yml has a problem to fix before anything is deployed:\n  - provider.runtime: "nodejs18" is not a runtime this function can run on; the bundle needs Node.js 20 or newer. Use nodejs20, nodejs22, nodejs24, or leave provider.runtime out to deploy on the newest Node.js runtime fc offers.',
    ));

  it('a bucket name that is not a valid OSS name', () =>
    refused(
      (yml) => yml.replace('bucket: disk-images, events: [\'oss:ObjectCreated:*\'], filter: { suffix: .vhd }', 'bucket: Disk_Images, events: [\'oss:ObjectCreated:*\'], filter: { suffix: .vhd }'),
      'serverless.yml has a problem to fix before anything is deployed:\n  - functions.importImage.events[1].oss.bucket: "Disk_Images" is not a valid OSS bucket name: it may contain only lower-case letters, digits and "-"; it must start and end with a lower-case letter or digit. Use the name of an existing bucket in the provider region.',
    ));

  it('an event type JD does not support', () =>
    refused(
      (yml) => yml.replace("events: ['oss:ObjectCreated:*'], filter: { suffix: .vhd }", "events: ['oss:ObjectRestore:Completed'], filter: { suffix: .vhd }"),
      'serverless.yml has a problem to fix before anything is deployed:\n  - functions.importImage.events[1].oss.events[0]: "oss:ObjectRestore:Completed" is not an OSS event type fc triggers on; use one of oss:ObjectCreated:*, oss:ObjectCreated:Put, oss:ObjectCreated:Post, oss:ObjectCreated:Copy, oss:ObjectCreated:CompleteMultipartUpload, oss:ObjectRemoved:*, oss:ObjectRemoved:Delete (the "oss:" may also be written "s3:").',
    ));

  it('two triggers with the same filter on one bucket', () =>
    refused(
      (yml) => yml.replace('filter: { suffix: .vhd }', 'filter: { suffix: .qcow2 }'),
      'serverless.yml has a problem to fix before anything is deployed:\n  - functions.importImage.events[1].oss repeats the filter of functions.importImage.events[0].oss on bucket "disk-images" (prefix "", suffix ".qcow2", oss:ObjectCreated:*); JD binds a prefix/suffix pair only once per bucket and event. Merge the two events or change one filter.',
    ));

  it('environment values over JD\'s limits: more than 50 variables, a value over 128 bytes', () =>
    refused(
      (yml) =>
        yml.replace(
          '    IMAGE_STATUS_PREFIX: .image-import/\n',
          `    IMAGE_STATUS_PREFIX: ${'p'.repeat(129)}\n${Array.from({ length: 49 }, (_, index) => `    EXTRA_${index}: x\n`).join('')}`,
        ),
      [
        'serverless.yml has 2 problems to fix before anything is deployed:',
        '  - functions.importImage.environment (with provider.environment) has 51 variables; fc allows at most 50. Remove some, or combine related settings into one variable.',
        '  - functions.importImage.environment (with provider.environment).IMAGE_STATUS_PREFIX: the value is 129 bytes; fc allows at most 128 bytes per value. Shorten it, or store it elsewhere (e.g. an object in the bucket) and pass its location.',
      ].join('\n'),
    ));

  it('missing credentials', () =>
    refused(
      (yml) => yml,
      'JD Cloud credentials are missing: JDCLOUD_ACCESS_KEY_ID is not set, JDCLOUD_SECRET_ACCESS_KEY is not set. Set JDCLOUD_ACCESS_KEY_ID and JDCLOUD_SECRET_ACCESS_KEY.',
      { JDCLOUD_FC_ENDPOINT: emulator.url },
    ));

  it('a package over the code size limit (deploy --package)', async () => {
    const packageDir = await mkdtemp(join(tmpdir(), 'oss-image-import-big-'));
    try {
      // 260 MB of zeros deflates to ~250 KB: over fc's 250 MB unzipped limit, small on disk.
      const zip = await zipEntries([
        { name: 'index.js', data: Buffer.from('exports.handler = async () => ({});\n') },
        { name: 'blob.bin', data: Buffer.alloc(260 * 1024 * 1024) },
      ]);
      await writeFile(join(packageDir, 'importImage.zip'), zip);
      await service.writeConfig(fixtureYml);
      const result = await runServerless(service.dir, ['deploy', '--package', packageDir], envFor(emulator));
      assert.equal(result.code, 1, result.stdout + result.stderr);
      assert.equal(
        frameworkError(result),
        'The package of function "importImage" is too large for Function Compute: it unzips to 260.0 MB, over the 250.0 MB limit. Bundle less (check for large assets or dependencies pulled into the handler) and package again.',
      );
      assert.deepEqual(emulator.calls, []);
    } finally {
      await rm(packageDir, { recursive: true, force: true });
    }
  });

  it('warns, and still deploys, when two triggers can both match one upload', async () => {
    await service.writeConfig(fixtureYml.replace('filter: { suffix: .vhd }', 'filter: { prefix: linux/ }'));
    const result = await runServerless(service.dir, ['deploy'], envFor(emulator));
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.ok(
      result.stderr.includes(
        'functions.importImage.events[0].oss (prefix "", suffix ".qcow2") and functions.importImage.events[1].oss (prefix "linux/", suffix "") can both match one upload to bucket "disk-images" for oss:ObjectCreated:*; JD fires only one of them. Make the filters disjoint (different suffixes or non-nested prefixes).',
      ),
      result.stderr,
    );
    assert.equal(emulator.writes().length, 4);
  });
});

describe('serverless deploy checks the runtime against describeRuntimes', () => {
  let service: ServiceDir;

  before(async () => {
    service = await makeServiceDir(fixtureYml);
  });
  after(async () => service.remove());

  it('fails naming the runtimes offered when none is Node.js 20 or newer, after describeRuntimes only', async () => {
    const emulator = await startFcEmulator({ credentials: [credentials], runtimes: ['nodejs16', 'python3.9'] });
    try {
      const result = await runServerless(service.dir, ['deploy'], envFor(emulator));
      assert.equal(result.code, 1);
      assert.equal(
        frameworkError(result),
        'Function Compute in cn-north-1 offers no Node.js runtime of version 20 or newer (offered: nodejs16, python3.9); the bundle needs Node.js 20+. Deploy to another region with provider.region.',
      );
      assert.deepEqual(emulator.calls.map((call) => `${call.method} ${call.path}`), ['GET /runtimes']);
    } finally {
      await emulator.stop();
    }
  });

  it('fails naming the runtimes offered when the configured one is not among them', async () => {
    const emulator = await startFcEmulator({ credentials: [credentials], runtimes: ['nodejs16', 'nodejs20'] });
    try {
      await service.writeConfig(fixtureYml.replace('  timeout: 30\n', '  timeout: 30\n  runtime: nodejs24\n'));
      const result = await runServerless(service.dir, ['deploy'], envFor(emulator));
      assert.equal(result.code, 1);
      assert.equal(
        frameworkError(result),
        'Function Compute in cn-north-1 does not offer runtime "nodejs24" (offered: nodejs16, nodejs20). Set provider.runtime to one of the offered nodejs20+ runtimes, or leave it out to use the newest one.',
      );
      assert.deepEqual(emulator.writes(), []);
    } finally {
      await emulator.stop();
    }
  });
});
