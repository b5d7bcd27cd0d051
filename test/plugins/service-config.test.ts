import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { endOfLifeWarning, newestNodeRuntime } from '../../plugins/jdcloud/config/node-runtime.js';
import { normalizeOssEventType, type OssEventType } from '../../plugins/jdcloud/config/oss-event-types.js';
import { readServiceConfig, type ServerlessServiceView } from '../../plugins/jdcloud/config/read-service-config.js';
import { findTriggerOverlaps } from '../../plugins/jdcloud/config/trigger-overlap.js';
import { ServiceConfigInvalidError } from '../../plugins/jdcloud/errors.js';
import { repoRoot } from './serverless-cli.js';

const serviceDir = join(repoRoot, 'test', 'plugins', 'fixtures', 'service');

/** The fixture service as the framework hands it over, with parts replaced. */
function view(change: { provider?: Record<string, unknown>; function?: Record<string, unknown>; events?: unknown[] } = {}): ServerlessServiceView {
  return {
    serviceDir,
    service: 'fixture-images',
    stage: 'dev',
    provider: { name: 'jdcloud', region: 'cn-north-1', ...change.provider },
    functions: {
      importImage: {
        handler: 'handler.handler',
        events: change.events ?? [{ oss: { bucket: 'disk-images', events: ['oss:ObjectCreated:*'], filter: { suffix: '.qcow2' } } }],
        ...change.function,
      },
    },
  };
}

/** The problem messages readServiceConfig throws for a view. */
function problemsOf(input: ServerlessServiceView): string[] {
  try {
    readServiceConfig(input);
  } catch (error) {
    assert.ok(error instanceof ServiceConfigInvalidError, String(error));
    return error.problems.map((problem) => problem.message);
  }
  assert.fail('expected ServiceConfigInvalidError');
}

describe('readServiceConfig', () => {
  it('reads the fixture service: fc names, handler, environment, one trigger', () => {
    const { config, warnings } = readServiceConfig(view({ provider: { environment: { A: '1', EMPTY: '' } }, function: { environment: { B: '2' }, timeout: 30 } }));
    assert.deepEqual(warnings, []);
    assert.equal(config.fcServiceName, 'fixture-images-dev');
    assert.equal(config.region, 'cn-north-1');
    assert.equal(config.runtime, undefined);
    assert.deepEqual(config.bundle, { sourcemap: false, minify: true, awsDefaultCredentialChain: false });
    const [fn] = config.functions;
    assert.equal(fn?.handlerFile, join(serviceDir, 'handler.ts'));
    assert.equal(fn?.fcHandler, 'index.handler');
    assert.equal(fn?.timeout, 30);
    // An empty value means "not set": it is not deployed. The plugin adds where the function runs.
    assert.deepEqual(fn?.environment, {
      A: '1',
      B: '2',
      OSS_IMAGE_IMPORT_FC_SERVICE: 'fixture-images-dev',
      OSS_IMAGE_IMPORT_FC_FUNCTION: 'importImage',
      OSS_IMAGE_IMPORT_FC_REGION: 'cn-north-1',
      JDCLOUD_FC_ENDPOINT: 'https://fc.jdcloud-api.com',
      OSS_IMAGE_IMPORT_FC_TIMEOUT: '30',
    });
    // No cpu or memorySize: fc's default instance type, sent explicitly.
    assert.deepEqual({ cpu: fn?.cpu, memorySize: fn?.memorySize }, { cpu: 1, memorySize: 1024 });
    assert.deepEqual(fn?.triggers, [
      { where: 'functions.importImage.events[0].oss', name: 'oss-1', bucket: 'disk-images', events: ['oss:ObjectCreated:*'], prefix: '', suffix: '.qcow2', enabled: true },
    ]);
  });

  it('rejects a missing region', () => {
    assert.deepEqual(problemsOf(view({ provider: { region: undefined } })), [
      'provider.region is missing: set it in serverless.yml to the JD Cloud region of the bucket, e.g. "region: cn-north-1".',
    ]);
  });

  it('rejects a region that is not a JD region id', () => {
    assert.deepEqual(problemsOf(view({ provider: { region: 'beijing' } })), [
      'provider.region: "beijing" is not a JD Cloud region id; use one like cn-north-1, cn-east-1, cn-east-2 or cn-south-1.',
    ]);
  });

  it('rejects a runtime the bundle is not built for, at provider and function level; takes nodejs16 to nodejs24', () => {
    assert.deepEqual(problemsOf(view({ provider: { runtime: 'nodejs14' }, function: { runtime: 'python3.9' } })), [
      'provider.runtime: "nodejs14" is not a runtime this function is built for; use one of nodejs16, nodejs18, nodejs20, nodejs22, nodejs24, or leave provider.runtime out to deploy on the newest of them that fc offers.',
      'functions.importImage.runtime: "python3.9" is not a runtime this function is built for; use one of nodejs16, nodejs18, nodejs20, nodejs22, nodejs24, or leave functions.importImage.runtime out to deploy on the newest of them that fc offers.',
    ]);
    for (const runtime of ['nodejs16', 'nodejs18', 'nodejs20', 'nodejs22', 'nodejs24']) assert.equal(readServiceConfig(view({ provider: { runtime } })).config.runtime, runtime);
  });

  it('takes the instance type from cpu, memorySize or both, and rejects a pair fc does not offer', () => {
    const pair = (settings: { provider?: Record<string, unknown>; function?: Record<string, unknown> }) => {
      const [fn] = readServiceConfig(view(settings)).config.functions;
      return `${fn?.cpu}/${fn?.memorySize}`;
    };
    assert.equal(pair({ provider: { cpu: 0.15 } }), '0.15/256');
    assert.equal(pair({ provider: { memorySize: 256 } }), '0.15/256');
    assert.equal(pair({ provider: { memorySize: 1024 } }), '1/1024');
    assert.equal(pair({ provider: { cpu: 0.75 } }), '0.75/1024');
    // A function's own setting replaces the provider's pair as a whole.
    assert.equal(pair({ provider: { cpu: 0.15, memorySize: 256 }, function: { memorySize: 1024 } }), '1/1024');
    assert.deepEqual(problemsOf(view({ provider: { cpu: 0.15, memorySize: 1024 }, function: { memorySize: 512 } })), [
      'functions.importImage: memorySize 512 is not an instance type fc offers; use one of 0.15 vCPU / 256 MB, 0.75 vCPU / 1024 MB, 1 vCPU / 1024 MB (set cpu, memorySize or both).',
    ]);
    assert.deepEqual(problemsOf(view({ provider: { cpu: 0.15, memorySize: 1024 } })), [
      'provider: cpu 0.15 with memorySize 1024 is not an instance type fc offers; use one of 0.15 vCPU / 256 MB, 0.75 vCPU / 1024 MB, 1 vCPU / 1024 MB (set cpu, memorySize or both).',
    ]);
  });

  it('names the field and the type when a setting has the wrong type', () => {
    assert.deepEqual(problemsOf(view({ provider: { timeout: '30' }, function: { events: [{ oss: { bucket: 'disk-images', filter: { suffix: 7 } } }] } })), [
      'provider.timeout: Invalid input: expected number, received string.',
      'functions.importImage.events[0].oss.filter.suffix: Invalid input: expected string, received number.',
    ]);
  });

  it('rejects bucket names OSS does not allow, saying which rules they break', () => {
    assert.deepEqual(problemsOf(view({ events: [{ oss: { bucket: 'My_Images', filter: { suffix: '.qcow2' } } }, { oss: { bucket: 'a--b', filter: { suffix: '.vhd' } } }] })), [
      'functions.importImage.events[0].oss.bucket: "My_Images" is not a valid OSS bucket name: it may contain only lower-case letters, digits and "-"; it must start and end with a lower-case letter or digit. Use the name of an existing bucket in the provider region.',
      'functions.importImage.events[1].oss.bucket: "a--b" is not a valid OSS bucket name: it must not contain "--". Use the name of an existing bucket in the provider region.',
    ]);
  });

  it('rejects event types fc does not trigger on, and accepts the s3: spelling', () => {
    assert.deepEqual(problemsOf(view({ events: [{ oss: { bucket: 'disk-images', events: ['s3:ObjectCreated:Put', 'ObjectTagging:Put'], filter: { suffix: '.qcow2' } } }] })), [
      'functions.importImage.events[0].oss.events[1]: "ObjectTagging:Put" is not an OSS event type fc triggers on; use one of oss:ObjectCreated:*, oss:ObjectCreated:Put, oss:ObjectCreated:Post, oss:ObjectCreated:Copy, oss:ObjectCreated:CompleteMultipartUpload, oss:ObjectRemoved:*, oss:ObjectRemoved:Delete (the "oss:" may also be written "s3:").',
    ]);
    assert.equal(normalizeOssEventType('s3:ObjectCreated:Put'), 'oss:ObjectCreated:Put');
    assert.equal(normalizeOssEventType('ObjectRemoved:*'), 'oss:ObjectRemoved:*');
  });

  it('rejects two triggers with the same bucket filter, and warns when filters overlap', () => {
    const same = { bucket: 'disk-images', events: ['oss:ObjectCreated:Put'], filter: { suffix: '.qcow2' } };
    assert.deepEqual(problemsOf(view({ events: [{ oss: same }, { oss: { ...same, events: ['oss:ObjectCreated:*'] } }] })), [
      'functions.importImage.events[1].oss repeats the filter of functions.importImage.events[0].oss on bucket "disk-images" (prefix "", suffix ".qcow2", oss:ObjectCreated:Put); JD binds a prefix/suffix pair only once per bucket and event. Merge the two events or change one filter.',
    ]);
    const { warnings } = readServiceConfig(
      view({
        events: [
          { oss: { bucket: 'disk-images', filter: { prefix: 'images/', suffix: '.qcow2' } } },
          { oss: { bucket: 'disk-images', filter: { prefix: 'images/linux/' } } },
        ],
      }),
    );
    assert.deepEqual(
      warnings.map((warning) => warning.message),
      [
        'functions.importImage.events[0].oss (prefix "images/", suffix ".qcow2") and functions.importImage.events[1].oss (prefix "images/linux/", suffix "") can both match one upload to bucket "disk-images" for oss:ObjectCreated:*; JD fires only one of them. Make the filters disjoint (different suffixes or non-nested prefixes).',
      ],
    );
  });

  it('warns about a trigger without a filter (invocation loops)', () => {
    const { warnings } = readServiceConfig(view({ events: [{ oss: { bucket: 'disk-images' } }] }));
    assert.deepEqual(
      warnings.map((warning) => warning.message),
      [
        'functions.importImage.events[0].oss has no filter, so every object written to bucket "disk-images" runs the function, including the status records it writes. Set filter.suffix (e.g. ".qcow2") or filter.prefix; JD strongly recommends a filter to avoid invocation loops.',
      ],
    );
  });

  it('warns of a refresh function whose timeout is too short for its follower\'s longest step and the hand-off', () => {
    const refreshing = (timeout: number | undefined) => ({ ...view(), functions: { ...view().functions, refreshStatus: { handler: 'handler.handler', ...(timeout !== undefined ? { timeout } : {}) } } });
    assert.deepEqual(readServiceConfig(refreshing(118)).warnings, []);
    for (const [timeout, shown] of [[117, 117], [undefined, 60]] as const) {
      assert.deepEqual(readServiceConfig(refreshing(timeout)).warnings, [
        {
          code: 'short-follower-timeout',
          field: 'functions.refreshStatus.timeout',
          value: String(shown),
          message: `functions.refreshStatus.timeout: ${shown} s is too short for the follower, which needs 118 s to fit its longest step and the hand-off; each invocation would take one step, which fc may kill under way. Set it to at least 118 (serverless.yml has 300).`,
        },
      ]);
    }
  });

  it('rejects more than 50 environment variables, counting the plugin\'s own, naming no value', () => {
    // 45 of ours + the 5 the plugin adds = 50: allowed; one more is not.
    const environment = Object.fromEntries(Array.from({ length: 45 }, (_, index) => [`VAR_${index}`, 'x']));
    assert.equal(Object.keys(readServiceConfig(view({ provider: { environment } })).config.functions[0]?.environment ?? {}).length, 50);
    assert.deepEqual(problemsOf(view({ provider: { environment: { ...environment, VAR_45: 'x' } } })), [
      'functions.importImage.environment (with provider.environment and the 5 the plugin adds) has 51 variables; fc allows at most 50. Remove some, or combine related settings into one variable.',
    ]);
  });

  it('takes long values and any name fc does not reserve (the legacy Function Service limits are not fc\'s)', () => {
    const environment = { NOTE: 'é'.repeat(2000), '1ST': 'b', 'with-dash': 'c' };
    assert.deepEqual(Object.keys(readServiceConfig(view({ function: { environment } })).config.functions[0]?.environment ?? {}).slice(0, 3), ['NOTE', '1ST', 'with-dash']);
    assert.deepEqual(problemsOf(view({ function: { environment: { FUN_MODE: 'a', path: 'b' } } })), [
      'functions.importImage.environment (with provider.environment and the 5 the plugin adds).FUN_MODE: "FUN_MODE" is reserved by the platform (names starting FUN_); rename the variable.',
      'functions.importImage.environment (with provider.environment and the 5 the plugin adds).path: "path" is reserved by the platform (PATH); rename the variable.',
    ]);
  });

  it('names the refresh function and each function\'s own timeout in its environment, and rejects a refresh function that is not in the service', () => {
    const refreshing = { ...view(), functions: { ...view().functions, refreshStatus: { handler: 'handler.handler', timeout: 300 } } };
    const { config, warnings } = readServiceConfig(refreshing, { fcEndpoint: 'http://127.0.0.1:9000' });
    assert.deepEqual(
      config.functions.map((fn) => [fn.environment['OSS_IMAGE_IMPORT_FC_FUNCTION'], fn.environment['OSS_IMAGE_IMPORT_FC_REFRESH_FUNCTION'], fn.environment['JDCLOUD_FC_ENDPOINT'], fn.environment['OSS_IMAGE_IMPORT_FC_TIMEOUT']]),
      [
        // No timeout in serverless.yml: fc's default of 60 s.
        ['importImage', 'refreshStatus', 'http://127.0.0.1:9000', '60'],
        ['refreshStatus', 'refreshStatus', 'http://127.0.0.1:9000', '300'],
      ],
    );
    assert.deepEqual(warnings, []);
    assert.deepEqual(problemsOf(view({ provider: { refreshFunction: 'follow' } })), [
      'provider.refreshFunction: "follow" is not a function of this service; name one under functions: (importImage).',
    ]);
  });

  it('rejects more than 10 triggers, a timeout over 900 s and a handler file that does not exist', () => {
    const events = Array.from({ length: 11 }, (_, index) => ({ oss: { bucket: 'disk-images', filter: { suffix: `.ext${index}` } } }));
    assert.deepEqual(problemsOf(view({ events, function: { timeout: 901, handler: 'missing/handler.handler' } })), [
      'functions.importImage.handler: no file missing/handler{.ts,.mts,.js,.mjs,.cjs} in the service directory; fix the path before the last ".".',
      'functions.importImage.timeout: 901 seconds is outside fc\'s range; use 1 to 900.',
      'functions.importImage.events has 11 oss triggers; fc allows at most 10 per function. Combine filters, or split the work into another function.',
    ]);
  });

  it('lets remove and info skip the handler file check', () => {
    const { config } = readServiceConfig(view({ function: { handler: 'missing/handler.handler' } }), { checkHandlers: false });
    assert.equal(config.functions[0]?.key, 'importImage');
  });

  it('rejects an fc service name over 32 characters', () => {
    assert.deepEqual(problemsOf({ ...view(), service: 'a-very-long-service-name-for-images', stage: 'production' }), [
      'service and stage ("<service>-<stage>"): "a-very-long-service-name-for-images-production" cannot be an fc service name: use at most 32 letters, digits, "_", "-" or Chinese characters.',
    ]);
  });
});

describe('trigger overlap', () => {
  const trigger = (where: string, prefix: string, suffix: string, events: OssEventType[] = ['oss:ObjectCreated:*']) => ({ where, bucket: 'b', prefix, suffix, events });

  it('warns only where one key can match both filters (an empty prefix matches every prefix)', () => {
    assert.deepEqual(findTriggerOverlaps([trigger('a', '', '.qcow2'), trigger('b', '', '.vhd'), trigger('c', 'x/', '.vhd'), trigger('d', 'y/', '.vhd')]), {
      errors: [],
      warnings: [
        {
          code: 'overlapping-triggers',
          field: 'c',
          value: 'prefix "x/", suffix ".vhd"',
          message: 'b (prefix "", suffix ".vhd") and c (prefix "x/", suffix ".vhd") can both match one upload to bucket "b" for oss:ObjectCreated:*; JD fires only one of them. Make the filters disjoint (different suffixes or non-nested prefixes).',
        },
        {
          code: 'overlapping-triggers',
          field: 'd',
          value: 'prefix "y/", suffix ".vhd"',
          message: 'b (prefix "", suffix ".vhd") and d (prefix "y/", suffix ".vhd") can both match one upload to bucket "b" for oss:ObjectCreated:*; JD fires only one of them. Make the filters disjoint (different suffixes or non-nested prefixes).',
        },
      ],
    });
  });

  it('ignores triggers for events that cannot both happen', () => {
    assert.deepEqual(findTriggerOverlaps([trigger('a', '', '.qcow2', ['oss:ObjectCreated:Put']), trigger('b', '', '.qcow2', ['oss:ObjectRemoved:*'])]), { errors: [], warnings: [] });
  });
});

describe('newestNodeRuntime', () => {
  it('picks the newest nodejsNN the bundle is built for (16 to 24) among the offered runtimes', () => {
    assert.equal(newestNodeRuntime(['nodejs16', 'nodejs22', 'python3.9', 'nodejs20', 'nodejs24']), 'nodejs24');
    assert.equal(newestNodeRuntime(['nodejs16', 'java11']), 'nodejs16');
    assert.equal(newestNodeRuntime(['nodejs14', 'nodejs26', 'java11']), undefined);
  });
});

describe('endOfLifeWarning', () => {
  it('warns for a runtime past its upstream end of life, saying why it is allowed', () => {
    assert.equal(
      endOfLifeWarning('nodejs16', '2026-12-05'),
      'nodejs16: Node.js 16 reached its end of life upstream on 2023-09-11 (no more security fixes from the Node.js project). It is allowed because JD\'s Function Compute documents nodejs16 as its runtime and may offer nothing newer; the bundle is built and tested for it. Set provider.runtime to a newer nodejsNN once fc offers one.',
    );
    assert.equal(endOfLifeWarning('nodejs18', '2025-04-29'), undefined);
    assert.match(endOfLifeWarning('nodejs18', '2025-04-30') ?? '', /^nodejs18: Node\.js 18 reached its end of life upstream on 2025-04-30 /);
    assert.equal(endOfLifeWarning('nodejs24', '2026-12-05'), undefined);
  });
});
