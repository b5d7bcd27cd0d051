import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { zipEntries } from '../../plugins/jdcloud/package/zip-bundle.js';
import type { DevStack } from '../../src/edges/local/dev-stack.js';
import { startFcEmulator, type FcEmulator, type RecordedCall } from '../../src/edges/local/fc-emulator/index.js';
import { localOssCredentials } from '../../src/edges/local/local-oss.js';
import { startTestStack, upload } from '../../harness/local-stack.js';
import { nodeBinaries } from '../../harness/node-binaries.js';
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

/** The variables the plugin adds to every function (platform-environment.ts). */
function platformEnvs(emulator: FcEmulator, service: string, fn: string, timeoutSeconds: number): Array<{ name: string; value: string }> {
  return [
    { name: 'OSS_IMAGE_IMPORT_FC_SERVICE', value: service },
    { name: 'OSS_IMAGE_IMPORT_FC_FUNCTION', value: fn },
    { name: 'OSS_IMAGE_IMPORT_FC_REGION', value: 'cn-north-1' },
    { name: 'JDCLOUD_FC_ENDPOINT', value: emulator.url },
    { name: 'OSS_IMAGE_IMPORT_FC_TIMEOUT', value: String(timeoutSeconds) },
  ];
}

const nodejs16Warning =
  "nodejs16: Node.js 16 reached its end of life upstream on 2023-09-11 (no more security fixes from the Node.js project). It is allowed because JD's Function Compute documents nodejs16 as its runtime and may offer nothing newer; the bundle is built and tested for it. Set provider.runtime to a newer nodejsNN once fc offers one.";

describe('serverless deploy, info, invoke and remove against the fc JD documents (nodejs16 only)', () => {
  let emulator: FcEmulator;
  let service: ServiceDir;

  before(async () => {
    emulator = await startFcEmulator({ credentials: [credentials] });
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

  it('creates the service, the function on nodejs16 with an fc cpu/memory pair, and one trigger per oss event', async () => {
    const log = await deploy();
    const zip = await zipFacts(service);
    assert.deepEqual(emulator.calls.map(request), [
      { method: 'GET', path: '/runtimes' },
      { method: 'GET', path: '/instanceTypes', query: { pageNumber: '1', pageSize: '100' } },
      { method: 'GET', path: '/services/fixture-images-dev' },
      { method: 'POST', path: '/services', body: { serviceSpec: { serviceName: 'fixture-images-dev' } } },
      {
        method: 'POST',
        path: '/services/fixture-images-dev/functions',
        body: {
          functionSpec: {
            functionName: 'importImage',
            code: { zipFile: zip },
            runtime: 'nodejs16',
            handler: 'index.handler',
            timeout: 30,
            cpu: 1,
            memorySize: 1024,
            description: 'plugin test function',
            envs: [
              { name: 'JDCLOUD_REGION', value: 'cn-north-1' },
              { name: 'IMAGE_STATUS_PREFIX', value: '.image-import/' },
              ...platformEnvs(emulator, 'fixture-images-dev', 'importImage', 30),
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
    assert.match(log, /^✔ Deployed service fixture-images-dev to cn-north-1 \(nodejs16\): 4 changes\.$/m);
    assert.match(log, /^Packaged importImage: .*, built for nodejs16$/m);
    // Node 16 is past its end of life upstream: said once, and the deploy goes on.
    assert.equal(log.split(nodejs16Warning).length - 1, 1, log);
    assert.ok(!log.includes(credentials.secretAccessKey) && !log.includes('.image-import/'), 'no secret or environment value in the log');
  });

  it('changes nothing on a second deploy of the same code and config (reads only)', async () => {
    const log = await deploy();
    assert.deepEqual(emulator.writes(), []);
    assert.deepEqual(
      emulator.calls.map((call) => `${call.method} ${call.path}`),
      [
        'GET /runtimes',
        'GET /instanceTypes',
        'GET /services/fixture-images-dev',
        'GET /services/fixture-images-dev/functions',
        `GET ${functionPath}/code`,
        `GET ${functionPath}/triggers`,
      ],
    );
    assert.match(log, /^✔ No changes: service fixture-images-dev in cn-north-1 already matches serverless\.yml \(nodejs16\)\.$/m);
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

  it('sends only the function settings that changed, and the code only when its checksum differs', async (t) => {
    const otherBucket = fixtureYml.replace("bucket: disk-images, events: ['oss:ObjectCreated:*'], filter: { suffix: .qcow2 }", "bucket: other-images, events: ['oss:ObjectCreated:*'], filter: { suffix: .qcow2 }");
    await service.writeConfig(otherBucket.replace('  timeout: 30\n', '  timeout: 45\n  cpu: 0.15\n').replace('    IMAGE_STATUS_PREFIX: .image-import/\n', '    IMAGE_STATUS_PREFIX: .status/\n'));
    await deploy();
    assert.deepEqual(emulator.writes().map(request), [
      {
        method: 'PATCH',
        path: functionPath,
        body: {
          timeout: 45,
          // fc ties memory to cpu: both halves of the pair are sent.
          cpu: 0.15,
          memorySize: 256,
          envs: [
            { name: 'JDCLOUD_REGION', value: 'cn-north-1' },
            { name: 'IMAGE_STATUS_PREFIX', value: '.status/' },
            ...platformEnvs(emulator, 'fixture-images-dev', 'importImage', 45),
          ],
        },
      },
    ]);

    const handlerFile = join(service.dir, 'handler.ts');
    const original = await readFile(handlerFile, 'utf8');
    await writeFile(handlerFile, original.replace('hasRequestId:', 'changed: true,\n    hasRequestId:'));
    t.after(() => writeFile(handlerFile, original));
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
        '  importImage: nodejs16, handler index.handler, 0.15 vCPU / 256 MB, timeout 45 s, status Active',
        `    code: ${fn?.code.length} bytes, checksum ${fn?.checkSum}`,
        '    environment: JDCLOUD_REGION, IMAGE_STATUS_PREFIX, OSS_IMAGE_IMPORT_FC_SERVICE, OSS_IMAGE_IMPORT_FC_FUNCTION, OSS_IMAGE_IMPORT_FC_REGION, JDCLOUD_FC_ENDPOINT, OSS_IMAGE_IMPORT_FC_TIMEOUT',
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
    // The emulator runs the deployed bundle; its OSS endpoint is not set, so it fails (loopback only).
    await emulator.settled();
    assert.deepEqual(emulator.calls.map(request), [
      { method: 'POST', path: `${functionPath}/invocations`, body: { body: '{"Records":[{"s3":{"bucket":{"name":"disk-images"},"object":{"key":"a.qcow2"}}}]}' } },
    ]);
    assert.equal(call?.invocationType, 'Async');
    const printed = JSON.parse(result.stdout) as Record<string, unknown>;
    assert.deepEqual({ ...printed, requestId: undefined }, { function: 'importImage', service: 'fixture-images-dev', invocationType: 'Async', requestId: undefined });
    assert.match(String(printed['requestId']), /^[a-z0-9]{32}$/);
    assert.equal(emulator.invocations.at(-1)?.requestId, printed['requestId']);
  });

  it('says which event file is missing, in one line without a stack trace', async () => {
    const result = await runServerless(service.dir, ['invoke', '-f', 'importImage', '-p', 'missing.json'], envFor(emulator));
    assert.equal(result.code, 1);
    assert.equal(
      frameworkError(result),
      `The event file missing.json (--path/-p) does not exist: ${join(service.dir, 'missing.json')}. Pass the path of a JSON event file, or the event itself with --data.`,
    );
    assert.doesNotMatch(result.stdout + result.stderr, /^\s+at /m);
    assert.deepEqual(emulator.calls, []);
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
    emulator = await startFcEmulator({ credentials: [credentials] });
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
      instanceType: `${fn.cpu} vCPU / ${fn.memorySize} MB`,
      environment: fn.envs.map((variable) => variable.name),
      triggers: [...fn.triggers.values()].map((trigger) => `${trigger.sourceJrn} ${trigger.triggerConfig}`),
    }));
    const platform = ['OSS_IMAGE_IMPORT_FC_SERVICE', 'OSS_IMAGE_IMPORT_FC_FUNCTION', 'OSS_IMAGE_IMPORT_FC_REFRESH_FUNCTION', 'OSS_IMAGE_IMPORT_FC_REGION', 'JDCLOUD_FC_ENDPOINT', 'OSS_IMAGE_IMPORT_FC_TIMEOUT'];
    const environment = ['JDCLOUD_REGION', 'IMAGE_ALLOWED_BUCKETS', 'IMAGE_STATUS_PREFIX', ...platform];
    assert.deepEqual(summary, [
      {
        name: 'importImage',
        handler: 'index.handler',
        runtime: 'nodejs16',
        timeout: 900,
        instanceType: '1 vCPU / 1024 MB',
        environment: ['JDCLOUD_REGION', 'IMAGE_ALLOWED_BUCKETS', 'IMAGE_STATUS_PREFIX', ...platform],
        triggers: ['2', 'w', 'd', '.vmdk', '.img', 'z', '.zst', '.zip', '.tar', '.ova'].map(
          (suffix) => `jrn:oss:cn-north-1::disk-images {"events":["oss:ObjectCreated:*"],"filter":{"key":{"suffix":"${suffix}"}}}`,
        ),
      },
      { name: 'refreshStatus', handler: 'index.handler', runtime: 'nodejs16', timeout: 300, instanceType: '0.15 vCPU / 256 MB', environment, triggers: [] },
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
    assert.deepEqual(envs, [
      'JDCLOUD_REGION',
      'IMAGE_ALLOWED_BUCKETS',
      'IMAGE_STATUS_PREFIX',
      'JDCLOUD_ACCESS_KEY_ID',
      'JDCLOUD_SECRET_ACCESS_KEY',
      'OSS_IMAGE_IMPORT_FC_SERVICE',
      'OSS_IMAGE_IMPORT_FC_FUNCTION',
      'OSS_IMAGE_IMPORT_FC_REFRESH_FUNCTION',
      'OSS_IMAGE_IMPORT_FC_REGION',
      'JDCLOUD_FC_ENDPOINT',
      'OSS_IMAGE_IMPORT_FC_TIMEOUT',
    ]);
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
    assert.match(result.stderr, /^✔ No changes: service oss-image-import-dev in cn-north-1 already matches serverless\.yml \(nodejs16\)\.$/m);
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
      (yml) => yml.replace('  timeout: 30\n', '  timeout: 30\n  runtime: nodejs14\n'),
      'serverless.yml has a problem to fix before anything is deployed:\n  - provider.runtime: "nodejs14" is not a runtime this function is built for; use one of nodejs16, nodejs18, nodejs20, nodejs22, nodejs24, or leave provider.runtime out to deploy on the newest of them that fc offers.',
    ));

  it('a cpu/memory pair fc does not offer', () =>
    refused(
      (yml) => yml.replace('  timeout: 30\n', '  timeout: 30\n  cpu: 0.15\n  memorySize: 1024\n'),
      'serverless.yml has a problem to fix before anything is deployed:\n  - provider: cpu 0.15 with memorySize 1024 is not an instance type fc offers; use one of 0.15 vCPU / 256 MB, 0.75 vCPU / 1024 MB, 1 vCPU / 1024 MB (set cpu, memorySize or both).',
    ));

  it('a timeout over fc\'s 900 s', () =>
    refused(
      (yml) => yml.replace('  timeout: 30\n', '  timeout: 901\n'),
      'serverless.yml has a problem to fix before anything is deployed:\n  - provider.timeout: 901 seconds is outside fc\'s range; use 1 to 900.',
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

  it('more than fc\'s 50 environment variables (the 5 the plugin adds count)', () =>
    refused(
      (yml) => yml.replace('    IMAGE_STATUS_PREFIX: .image-import/\n', `    IMAGE_STATUS_PREFIX: ${'p'.repeat(129)}\n${Array.from({ length: 44 }, (_, index) => `    EXTRA_${index}: x\n`).join('')}`),
      [
        'serverless.yml has a problem to fix before anything is deployed:',
        '  - functions.importImage.environment (with provider.environment and the 5 the plugin adds) has 51 variables; fc allows at most 50. Remove some, or combine related settings into one variable.',
      ].join('\n'),
    ));

  it('missing credentials, before anything is packaged, in one line without a stack trace', async () => {
    await refused(
      (yml) => yml,
      'JD Cloud credentials are missing: JDCLOUD_ACCESS_KEY_ID is not set, JDCLOUD_SECRET_ACCESS_KEY is not set. Set JDCLOUD_ACCESS_KEY_ID and JDCLOUD_SECRET_ACCESS_KEY.',
      { JDCLOUD_FC_ENDPOINT: emulator.url },
    );
    assert.deepEqual(await readdir(join(service.dir, '.serverless')).catch(() => []), []);
  });

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

  it('takes the newest runtime an fc offering more than JD documents has, and builds the bundle for it', async () => {
    const emulator = await startFcEmulator({ credentials: [credentials], runtimes: ['nodejs16', 'nodejs18', 'nodejs20', 'nodejs22', 'nodejs24'] });
    try {
      const result = await runServerless(service.dir, ['deploy'], envFor(emulator));
      assert.equal(result.code, 0, result.stdout + result.stderr);
      assert.equal(emulator.store.service('cn-north-1', 'fixture-images-dev')?.functions.get('importImage')?.runtime, 'nodejs24');
      assert.match(result.stderr, /^Packaged importImage: .*, built for nodejs24$/m);
      assert.doesNotMatch(result.stderr, /end of life/);
      assert.deepEqual(JSON.parse(await readFile(join(service.dir, '.serverless', 'importImage.runtime.json'), 'utf8')), { runtime: 'nodejs24' });
    } finally {
      await emulator.stop();
    }
  });

  it('refuses a package built for a newer Node than the runtime it would run on (deploy --package)', async () => {
    const emulator = await startFcEmulator({ credentials: [credentials] });
    try {
      const result = await runServerless(service.dir, ['deploy', '--package', join(service.dir, '.serverless')], envFor(emulator));
      assert.equal(result.code, 1);
      assert.equal(
        frameworkError(result),
        'The package of function "importImage" was built for nodejs24, but it would be deployed on nodejs16. Package it again (serverless package, or deploy without --package).',
      );
      assert.deepEqual(emulator.writes(), []);
    } finally {
      await emulator.stop();
    }
  });

  it('fails naming the runtimes offered when none is one the bundle is built for, before packaging', async () => {
    const emulator = await startFcEmulator({ credentials: [credentials], runtimes: ['nodejs14', 'python3.9'] });
    try {
      const result = await runServerless(service.dir, ['deploy'], envFor(emulator));
      assert.equal(result.code, 1);
      assert.equal(
        frameworkError(result),
        'Function Compute in cn-north-1 offers none of the Node.js runtimes this function is built for (nodejs16, nodejs18, nodejs20, nodejs22, nodejs24; offered: nodejs14, python3.9). Deploy to another region with provider.region.',
      );
      assert.deepEqual(emulator.calls.map((call) => `${call.method} ${call.path}`), ['GET /runtimes']);
    } finally {
      await emulator.stop();
    }
  });

  it('fails naming the runtimes offered when the configured one is not among them', async () => {
    const emulator = await startFcEmulator({ credentials: [credentials] });
    try {
      await service.writeConfig(fixtureYml.replace('  timeout: 30\n', '  timeout: 30\n  runtime: nodejs24\n'));
      const result = await runServerless(service.dir, ['deploy'], envFor(emulator));
      assert.equal(result.code, 1);
      assert.equal(
        frameworkError(result),
        'Function Compute in cn-north-1 does not offer runtime "nodejs24" (offered: nodejs16). Set provider.runtime to one of the offered runtimes among nodejs16, nodejs18, nodejs20, nodejs22, nodejs24, or leave it out to use the newest of them.',
      );
      assert.deepEqual(emulator.writes(), []);
    } finally {
      await emulator.stop();
    }
  });

  it('refuses a cpu/memory pair describeInstanceTypes does not list in the region, before any write', async () => {
    const emulator = await startFcEmulator({ credentials: [credentials], instanceTypes: [{ cpu: 1, memorySize: 1024 }] });
    try {
      await service.writeConfig(fixtureYml.replace('  timeout: 30\n', '  timeout: 30\n  cpu: 0.15\n'));
      const result = await runServerless(service.dir, ['deploy'], envFor(emulator));
      assert.equal(result.code, 1);
      assert.equal(
        frameworkError(result),
        'serverless.yml has a problem to fix before anything is deployed:\n  - functions.importImage: cpu 0.15 with memorySize 256 is not offered by Function Compute in cn-north-1 (describeInstanceTypes lists 1 vCPU / 1024 MB).',
      );
      assert.deepEqual(emulator.writes(), []);
    } finally {
      await emulator.stop();
    }
  });
});

describe('the fc emulator runs what deploy shipped', () => {
  let stack: DevStack;
  let emulator: FcEmulator;
  let service: ServiceDir;
  // The Node 16 binary CI installs, so the nodejs16 bundle runs where it would in fc.
  const node16 = nodeBinaries().find((runtime) => runtime.major === 16)?.binary;

  before(async () => {
    stack = await startTestStack({ autoImport: false, bucket: 'disk-images' });
    emulator = await startFcEmulator({ credentials: [credentials], ...(node16 !== undefined ? { nodeBinaries: { nodejs16: node16 } } : {}) });
    service = await makeServiceDir(
      fixtureYml.replace(
        '    IMAGE_STATUS_PREFIX: .image-import/\n',
        `    IMAGE_STATUS_PREFIX: .image-import/\n    OSS_ENDPOINT: ${stack.ossEndpoint}\n    JDCLOUD_ACCESS_KEY_ID: ${localOssCredentials.accessKeyId}\n    JDCLOUD_SECRET_ACCESS_KEY: ${localOssCredentials.secretAccessKey}\n`,
      ),
    );
  });
  after(async () => {
    await emulator.stop();
    await stack.stop();
    await service.remove();
  });

  it('an asynchronous invoke runs the deployed nodejs16 zip in its own process with the function\'s environment', async () => {
    assert.ok(process.env['CI'] !== 'true' || node16 !== undefined, 'CI provides Node 16 (scripts/node-runtimes.sh install)');
    const deployed = await runServerless(service.dir, ['deploy'], envFor(emulator));
    assert.equal(deployed.code, 0, deployed.stdout + deployed.stderr);
    await upload(stack, 'uploads/disk.qcow2', new Uint8Array(4096));
    await writeFile(join(service.dir, 'event.json'), JSON.stringify({ Records: [{ s3: { bucket: { name: 'disk-images' }, object: { key: 'uploads/disk.qcow2' } } }] }));
    const invoked = await runServerless(service.dir, ['invoke', '-f', 'importImage', '-p', 'event.json'], envFor(emulator));
    assert.equal(invoked.code, 0, invoked.stdout + invoked.stderr);
    const [outcome] = await emulator.settled();
    const result = outcome?.result as { node?: string; functionName?: string; hasRequestId?: boolean; objects?: Array<{ key: string; size: number }> } | undefined;
    assert.equal(outcome?.status, 'succeeded', outcome?.output);
    assert.deepEqual(
      { node: result?.node?.split('.')[0], functionName: result?.functionName, hasRequestId: result?.hasRequestId, objects: result?.objects?.map(({ key, size }) => ({ key, size })) },
      { node: node16 === undefined ? process.versions.node.split('.')[0] : '16', functionName: 'importImage', hasRequestId: true, objects: [{ key: 'uploads/disk.qcow2', size: 4096 }] },
    );
  });
});
