import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { newestNodeRuntime } from '../../plugins/jdcloud/config/node-runtime.js';
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
    // An empty value means "not set": it is not deployed.
    assert.deepEqual(fn?.environment, { A: '1', B: '2' });
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

  it('rejects a runtime the bundle cannot run on, at provider and function level', () => {
    assert.deepEqual(problemsOf(view({ provider: { runtime: 'nodejs16' }, function: { runtime: 'python3.9' } })), [
      'provider.runtime: "nodejs16" is not a runtime this function can run on; the bundle needs Node.js 20 or newer. Use nodejs20, nodejs22, nodejs24, or leave provider.runtime out to deploy on the newest Node.js runtime fc offers.',
      'functions.importImage.runtime: "python3.9" is not a runtime this function can run on; the bundle needs Node.js 20 or newer. Use nodejs20, nodejs22, nodejs24, or leave functions.importImage.runtime out to deploy on the newest Node.js runtime fc offers.',
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

  it('rejects more than 50 environment variables and values over 128 bytes, naming no value', () => {
    const environment = Object.fromEntries(Array.from({ length: 51 }, (_, index) => [`VAR_${index}`, 'x']));
    environment['VAR_0'] = 's'.repeat(129);
    assert.deepEqual(problemsOf(view({ provider: { environment } })), [
      'functions.importImage.environment (with provider.environment) has 51 variables; fc allows at most 50. Remove some, or combine related settings into one variable.',
      'functions.importImage.environment (with provider.environment).VAR_0: the value is 129 bytes; fc allows at most 128 bytes per value. Shorten it, or store it elsewhere (e.g. an object in the bucket) and pass its location.',
    ]);
  });

  it('counts value bytes in UTF-8 and rejects reserved and malformed names', () => {
    assert.deepEqual(problemsOf(view({ function: { environment: { NOTE: 'é'.repeat(65), FUN_MODE: 'a', '1ST': 'b' } } })), [
      'functions.importImage.environment (with provider.environment).NOTE: the value is 130 bytes; fc allows at most 128 bytes per value. Shorten it, or store it elsewhere (e.g. an object in the bucket) and pass its location.',
      'functions.importImage.environment (with provider.environment).FUN_MODE: "FUN_MODE" is reserved by the platform (names starting FUN_); rename the variable.',
      'functions.importImage.environment (with provider.environment).1ST: "1ST" is not a valid variable name: start with a letter, then use letters, digits and "_", at most 64 bytes.',
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
  it('picks the newest nodejsNN with NN ≥ 20 among the offered runtimes', () => {
    assert.equal(newestNodeRuntime(['nodejs16', 'nodejs22', 'python3.9', 'nodejs20', 'nodejs24']), 'nodejs24');
    assert.equal(newestNodeRuntime(['nodejs16', 'nodejs18', 'java11']), undefined);
  });
});
