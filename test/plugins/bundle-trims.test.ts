import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer, type RequestListener } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { inlineSchemaKeys } from '../../plugins/jdcloud/package/aws-schema-literal-keys.js';
import { bundleFunction } from '../../plugins/jdcloud/package/bundle-function.js';
import { bundleRepositoryFunction } from '../../harness/function-bundle.js';
import { listenHttp } from '../../src/kernel/listen-http.js';
import { repoRoot } from './serverless-cli.js';

/** A scratch directory with the repository's node_modules, for small entry files. */
let work: string;

async function bundleSource(name: string, source: string): Promise<Awaited<ReturnType<typeof bundleFunction>>> {
  const entryFile = join(work, name);
  await writeFile(entryFile, source);
  return bundleFunction({ functionKey: 'probe', entryFile, serviceDir: work, minify: true, sourcemap: false, awsDefaultCredentialChain: false, nodeMajor: 16 });
}

/** The message of the BundleFailedError the source fails with. */
async function bundleError(name: string, source: string): Promise<string> {
  const error = await bundleSource(name, source).then(
    () => assert.fail(`${name} bundled`),
    (failure: unknown) => failure,
  );
  assert.ok(error instanceof Error);
  assert.equal(error.name, 'BundleFailedError');
  return error.message;
}

/** Runs `script` in a fresh node process next to the written bundle; resolves its stdout. */
function runNode(script: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['-e', script], { cwd: work, env: { PATH: process.env['PATH'] ?? '' }, timeout: 60_000 }, (error, stdout, stderr) => {
      if (error !== null) reject(new Error(`${error.message}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

/** Serves `handle` on loopback for the enclosing describe block; reads the origin once started. */
function loopbackServer(handle: RequestListener): { origin: () => string } {
  const server = createServer(handle);
  let origin = '';
  before(async () => {
    origin = (await listenHttp(server)).url;
  });
  after(async () => new Promise<void>((resolve) => server.close(() => resolve())));
  return { origin: () => origin };
}

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'oss-image-import-trims-'));
  await symlink(join(repoRoot, 'node_modules'), join(work, 'node_modules'));
  await writeFile(join(work, 'package.json'), '{ "type": "commonjs" }\n');
});
after(async () => rm(work, { recursive: true, force: true }));

describe('the Pool-only undici in bundles', () => {
  const echo = loopbackServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ method: request.method, url: request.url, body }));
    });
  });

  it('sends requests through Pool.dispatch, with undici parsing responses on its portable llhttp build', async () => {
    const bundle = await bundleSource(
      'pool-request.ts',
      `import { Pool, type Dispatcher } from 'undici';
export function send(origin: string, method: 'GET' | 'POST', body?: string): Promise<string> {
  const pool: Dispatcher = new Pool(origin, { connections: 2 });
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    pool.dispatch({ origin, method, path: '/v1/probe?x=1', headers: { 'content-type': 'application/json' }, body: body ?? null }, {
      onConnect() {},
      onHeaders(status: number) { chunks.push(Buffer.from(status + ' ')); return true; },
      onData(chunk: Buffer) { chunks.push(chunk); return true; },
      onComplete() { pool.close().then(() => resolve(Buffer.concat(chunks).toString('utf8')), reject); },
      onError: reject,
    } as Dispatcher.DispatchHandler);
  });
}
`,
    );
    const inputs = Object.keys(bundle.inputBytes).map((path) => path.replace(/^.*node_modules\//, ''));
    for (const absent of ['undici/index.js', 'undici/lib/web/fetch/body.js', 'undici/lib/dispatcher/client-h2.js', 'undici/lib/llhttp/llhttp_simd-wasm.js', 'undici/lib/web/fetch/index.js']) {
      assert.ok(!inputs.includes(absent), `${absent} is not bundled`);
    }
    assert.ok(inputs.includes('undici/lib/dispatcher/pool.js'));
    assert.ok(inputs.includes('undici/lib/llhttp/llhttp-wasm.js'));
    await writeFile(join(work, 'pool-request.js'), bundle.code);

    const printed = await runNode(
      `const { send } = require('./pool-request.js');
(async () => {
  process.stdout.write(await send(${JSON.stringify(echo.origin())}, 'GET') + '\\n');
  process.stdout.write(await send(${JSON.stringify(echo.origin())}, 'POST', JSON.stringify({ imageName: 'ubuntu' })) + '\\n');
})().catch((error) => { console.error(error); process.exit(1); });`,
    );
    assert.deepEqual(printed.trimEnd().split('\n'), [
      '200 {"method":"GET","url":"/v1/probe?x=1","body":""}',
      '200 {"method":"POST","url":"/v1/probe?x=1","body":"{\\"imageName\\":\\"ubuntu\\"}"}',
    ]);
  });

  it('fails the build when another value is imported from undici by name', async () => {
    assert.equal(
      await bundleError('named.ts', "import { Agent, Pool } from 'undici';\nexport const dispatchers = [Agent, Pool];\n"),
      [
        'Could not bundle function "probe" from named.ts:',
        '  - named.ts:1:9: No matching export in "undici-pool-only:undici" for import "Agent"',
        "  - The bundle's undici holds only Pool: add the value in plugins/jdcloud/package/undici-pool-only.ts, or do without it.",
        'Fix the import or syntax error and package again.',
      ].join('\n'),
    );
  });

  it('fails the build when another value is read off a namespace import', async () => {
    assert.equal(
      await bundleError('namespace.ts', "import * as undici from 'undici';\nexport const fetchIt = undici.fetch;\n"),
      [
        'Could not bundle function "probe" from namespace.ts:',
        '  - namespace.ts:2:30: Import "fetch" will always be undefined because there is no matching export in "undici-pool-only:undici". ' +
          "The bundle's undici holds only Pool: add the value in plugins/jdcloud/package/undici-pool-only.ts, or do without it.",
        'Fix the import or syntax error and package again.',
      ].join('\n'),
    );
  });

  it('fails the build on require() and import() of undici, whose names it cannot check', async () => {
    const hint = "the bundle's undici holds only Pool and checks names only for static imports. Use `import { Pool } from 'undici'`, or change plugins/jdcloud/package/undici-pool-only.ts.";
    assert.equal(
      await bundleError('required.cjs', "const { request } = require('undici');\nmodule.exports = request;\n"),
      `Could not bundle function "probe" from required.cjs:\n  - required.cjs:1:28: undici is loaded with require(); ${hint}\nFix the import or syntax error and package again.`,
    );
    assert.equal(
      await bundleError('imported.ts', "export const load = () => import('undici');\n"),
      `Could not bundle function "probe" from imported.ts:\n  - imported.ts:1:33: undici is loaded with import(); ${hint}\nFix the import or syntax error and package again.`,
    );
  });
});

describe('pino in bundles', () => {
  it('logs through pino.destination without the transport machinery, and says so if a transport is asked for', async () => {
    const bundle = await bundleSource(
      'logging.ts',
      `import { pino } from 'pino';
export function logOnce(): void {
  pino({ base: null, timestamp: false }, pino.destination({ dest: 1, sync: true })).info({ bucket: 'disk-images' }, 'logged');
}
export function transportError(): string {
  try { pino.transport({ target: 'pino/file' }); return 'no error'; } catch (error) { return (error as Error).message; }
}
`,
    );
    const inputs = Object.keys(bundle.inputBytes).map((path) => path.replace(/^.*node_modules\//, ''));
    assert.ok(!inputs.some((path) => path.startsWith('thread-stream/') || path === 'pino/lib/transport.js'), 'no transport code bundled');
    await writeFile(join(work, 'logging.js'), bundle.code);
    const printed = await runNode("const { logOnce, transportError } = require('./logging.js'); logOnce(); process.stdout.write(transportError());");
    assert.equal(
      printed,
      '{"level":30,"bucket":"disk-images","msg":"logged"}\n' +
        'pino transports are not in this bundle (they run worker threads from files): log to a stream or pino.destination instead.',
    );
  });
});

describe('AWS SDK schema keys in bundles', () => {
  it('writes computed keys naming the module\'s string constants as the literals they stand for', () => {
    const source = [
      'const _hH = "httpHeader";',
      'const _xN = "xmlName";',
      'let _other = "not a constant of the module";',
      'export var A$ = [3, n0, "A", { [_hH]: "x-amz-meta-", [_xN]: "Tag" }, [], []];',
      'export var B$ = [3, n0, "B", {[_xN]:"Key",[_other]: 1}, [], []];',
      'export const pick = (flag) => flag ? [_hH] : [_xN];',
    ].join('\n');
    assert.deepEqual(inlineSchemaKeys(source), {
      inlined: 3,
      source: [
        'const _hH = "httpHeader";',
        'const _xN = "xmlName";',
        'let _other = "not a constant of the module";',
        'export var A$ = [3, n0, "A", { "httpHeader": "x-amz-meta-", "xmlName": "Tag" }, [], []];',
        'export var B$ = [3, n0, "B", {"xmlName":"Key",[_other]: 1}, [], []];',
        'export const pick = (flag) => flag ? [_hH] : [_xN];',
      ].join('\n'),
    });
    assert.deepEqual(inlineSchemaKeys('export const x = { [_a]: 1 };'), { inlined: 0, source: 'export const x = { [_a]: 1 };' });
    const proto = 'const _p = "__proto__";\nexport const x = { [_p]: 1 };';
    assert.deepEqual(inlineSchemaKeys(proto), { inlined: 0, source: proto });
  });

  it('keeps only the schemas of the operations a bundle sends', async () => {
    const bundle = await bundleSource(
      'head-object.ts',
      `import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
export const head = (client: S3Client) => client.send(new HeadObjectCommand({ Bucket: 'disk-images', Key: 'a.qcow2' }));
`,
    );
    const code = Buffer.from(bundle.code).toString('utf8');
    assert.ok(code.includes('"HeadObjectRequest"'));
    assert.ok(!code.includes('"SelectObjectContentRequest"'), 'an operation the bundle never sends has no schema in it');
    const schemas = Object.entries(bundle.inputBytes).find(([path]) => path.endsWith('client-s3/dist-es/schemas/schemas_0.js'));
    assert.ok(schemas !== undefined && schemas[1].bytesInOutput < 20_000, `schemas_0.js contributes ${schemas?.[1].bytesInOutput} bytes`);
  });
});

describe('S3 event streams in bundles', () => {
  // Answers like S3 does to SelectObjectContent: 200 and a body of event-stream messages.
  const s3 = loopbackServer((request, response) => {
    request.resume();
    request.on('end', () => response.writeHead(200, { 'content-type': 'application/octet-stream' }).end(Buffer.alloc(16)));
  });

  it('leaves the codec out and says so when an event-stream response comes back', async () => {
    const bundle = await bundleSource(
      'select-object.ts',
      `import { S3Client, SelectObjectContentCommand } from '@aws-sdk/client-s3';
export async function select(endpoint: string): Promise<string> {
  const client = new S3Client({ region: 'cn-north-1', endpoint, forcePathStyle: true, credentials: { accessKeyId: 'AK', secretAccessKey: 'SK' }, maxAttempts: 1 });
  try {
    await client.send(new SelectObjectContentCommand({ Bucket: 'disk-images', Key: 'a.csv', Expression: 'select * from s3object', ExpressionType: 'SQL', InputSerialization: { CSV: {} }, OutputSerialization: { CSV: {} } }));
    return 'sent';
  } catch (error) {
    return (error as Error).message;
  } finally {
    client.destroy();
  }
}
`,
    );
    const inputs = Object.keys(bundle.inputBytes);
    assert.deepEqual(inputs.filter((path) => path.includes('/event-streams/')), []);
    assert.ok(inputs.includes('aws-event-streams-stub:@smithy/core/event-streams'));
    await writeFile(join(work, 'select-object.js'), bundle.code);
    const printed = await runNode(`require('./select-object.js').select(${JSON.stringify(s3.origin())}).then((message) => process.stdout.write(message));`);
    // The SDK adds a line of its own about deserialization below ours.
    assert.equal(printed.split('\n')[0], 'S3 event streams (SelectObjectContent) are not in this bundle; see plugins/jdcloud/package/aws-event-streams-stub.ts.');
  });
});

describe("the service's own modules in bundles", () => {
  it('leaves out a module none of whose exports the handler uses, though its top level builds a schema', async () => {
    await mkdir(join(work, 'own'), { recursive: true });
    await writeFile(join(work, 'own', 'next.ts'), 'export const next = (value: number): number => value + 1;\n');
    await writeFile(
      join(work, 'own', 'name-rule.ts'),
      "import { string } from 'zod/mini';\nimport { refine } from 'zod/mini';\nexport const nameSchema = string().check(refine((name) => name.length > 0, { error: 'empty' }));\n",
    );
    await writeFile(join(work, 'own', 'index.ts'), "export { next } from './next.js';\nexport { nameSchema } from './name-rule.js';\n");
    const bundle = await bundleSource('own-barrel.ts', "import { next } from './own/index.js';\nexport const answer = (): number => next(41);\n");
    assert.deepEqual(Object.keys(bundle.inputBytes).filter((path) => !path.includes('node_modules/')).sort(), ['own-barrel.ts', 'own/index.ts', 'own/next.ts']);
    assert.ok(!Object.keys(bundle.inputBytes).some((path) => path.includes('node_modules/zod/')), 'no zod: nothing the handler runs builds a schema');
    await writeFile(join(work, 'own-barrel.js'), bundle.code);
    assert.equal(await runNode("process.stdout.write(String(require('./own-barrel.js').answer()))"), '42');
  });

  it("keeps the top level of a module whose exports are used: src/kernel/zod.ts's English locale", async () => {
    const bundle = await bundleSource(
      'zod-locale.ts',
      `import * as z from ${JSON.stringify(join(repoRoot, 'src', 'kernel', 'zod.ts'))};
export const issue = (): string => z.string().safeParse(7).error?.issues[0]?.message ?? 'parsed';
`,
    );
    await writeFile(join(work, 'zod-locale.js'), bundle.code);
    assert.equal(await runNode("process.stdout.write(require('./zod-locale.js').issue())"), 'Invalid input: expected string, received number');
  });
});

describe('the importImage and refreshStatus bundles', () => {
  for (const handler of ['import-image', 'refresh-status']) {
    it(`${handler}: no full undici, no fetch/WebSocket, no pino transports`, async () => {
      const bundle = await bundleRepositoryFunction(handler, handler, 16);
      const inputs = Object.keys(bundle.inputBytes);
      assert.deepEqual(
        inputs.filter((path) => /node_modules\/(undici\/(index\.js|lib\/web\/)|thread-stream\/)/.test(path)),
        [],
      );
      assert.ok(inputs.includes('undici-pool-only:undici'));
      assert.deepEqual(bundle.warnings, []);
    });
  }

  it('import-image: loads tls first, so Node 22+ reads the root certificates while the rest of index.js loads', async () => {
    const bundle = await bundleRepositoryFunction('importImage', 'import-image', 22);
    assert.equal(Buffer.from(bundle.code).toString('utf8').split('\n', 2).join('\n'), '"use strict";\nrequire("node:tls");');
  });

  it('import-image: of the JD Cloud operations, only importImage and the follower hand-off (copy, share, describe and fc deploy models stay out)', async () => {
    const bundle = await bundleRepositoryFunction('importImage', 'import-image', 16);
    assert.deepEqual(
      Object.keys(bundle.inputBytes)
        .filter((path) => /^src\/adapters\/jdcloud\/(vm|fc)\//.test(path) && !path.endsWith('/index.ts'))
        .sort(),
      ['src/adapters/jdcloud/fc/invoke-function.ts', 'src/adapters/jdcloud/vm/import-image.ts', 'src/adapters/jdcloud/vm/input-rules.ts'],
    );
  });
});
