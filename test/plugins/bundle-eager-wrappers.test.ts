import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { bundleFunction } from '../../plugins/jdcloud/package/bundle-function.js';
import { compileCommonJsWrappersEagerly } from '../../plugins/jdcloud/package/eager-commonjs-wrappers.js';
import { bundleRepositoryFunction } from '../../harness/function-bundle.js';
import { repoRoot } from './serverless-cli.js';

let work: string;

before(async () => {
  work = await mkdtemp(join(tmpdir(), 'oss-image-import-eager-'));
  await symlink(join(repoRoot, 'node_modules'), join(work, 'node_modules'));
  await writeFile(join(work, 'package.json'), '{ "type": "commonjs" }\n');
  // Three CommonJS modules: a plain one, one whose top-level `this` esbuild turns into `exports`,
  // and one that reads `arguments` at its top level (its wrapper must stay an arrow).
  await writeFile(join(work, 'plain.cjs'), 'module.exports = { marker: "eager-plain", twice: (n) => n * 2, self() { return this; } };\n');
  await writeFile(join(work, 'this-top.cjs'), 'exports.marker = "eager-this"; exports.isExports = this === module.exports;\n');
  await writeFile(join(work, 'args-top.cjs'), 'module.exports = { marker: "eager-args", count: arguments.length };\n');
  await writeFile(
    join(work, 'entry.ts'),
    `import plain from './plain.cjs';
import thisTop from './this-top.cjs';
import argsTop from './args-top.cjs';
export function pair<T>(make: (a: number, b: number) => T): () => T { return () => make(20, 22); }
// User code shaped like a wrapper: a top-level var holding a call with a two-parameter arrow.
export const userArrow = pair((a, b) => { return { marker: 'eager-user', sum: a + b, hasArguments: typeof arguments }; });
export function report(): string {
  return JSON.stringify({ plain: [plain.marker, plain.twice(21), plain.self() === plain], thisTop: [thisTop.marker, thisTop.isExports], args: [argsTop.marker, argsTop.count], user: userArrow() });
}
`,
  );
});
after(async () => rm(work, { recursive: true, force: true }));

async function bundleEntry(sourcemap: boolean): Promise<string> {
  const bundle = await bundleFunction({ functionKey: 'probe', entryFile: join(work, 'entry.ts'), serviceDir: work, minify: true, sourcemap, awsDefaultCredentialChain: false, nodeMajor: 18 });
  return new TextDecoder().decode(bundle.code);
}

function runReport(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ['-e', `process.stdout.write(require('./${file}').report())`], { cwd: work, env: { PATH: process.env['PATH'] ?? '' }, timeout: 60_000 }, (error, stdout, stderr) => {
      if (error !== null) reject(new Error(`${error.message}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

describe('eagerly compiled CommonJS wrappers', () => {
  it('turns each module wrapper without this/arguments into a parenthesized function, and leaves the rest of the code as esbuild wrote it', async () => {
    const eager = await bundleEntry(false);
    const arrows = await bundleEntry(true);
    // The two wrappers that qualify: `U((function(e,t){…}))`, the module's text unchanged inside.
    assert.match(eager, /=[\w$]+\(\(function\([\w$]+,([\w$]+)\)\{\1\.exports=\{marker:"eager-plain",twice:[\w$]+=>[\w$]+\*2,self\(\)\{return this\}\}\}\)\)/);
    assert.match(eager, /=[\w$]+\(\(function\(([\w$]+),([\w$]+)\)\{\1\.marker="eager-this";\1\.isExports=\1===\2\.exports\}\)\)/);
    // The module that reads `arguments` keeps its arrow, as does the user's own two-parameter arrow.
    assert.match(eager, /=[\w$]+\(\([\w$]+,([\w$]+)\)=>\{\1\.exports=\{marker:"eager-args",count:arguments\.length\}\}\)/);
    assert.match(eager, /\(\([\w$]+,[\w$]+\)=>\(\{marker:"eager-user"/);
    assert.equal(eager.match(/\(\(function\(/g)?.length, 2);
    // With a source map asked for, nothing is rewritten; otherwise the only difference is the 2 × 8 characters.
    assert.equal(arrows.match(/\(\(function\(/g), null);
    assert.equal(eager.length - arrows.replace(/\n\/\/# sourceMappingURL=.*\n?$/, '\n').length, 16);
  });

  it('runs the bundle as it ran with arrows: module values, `this` in methods, and `arguments` where it was kept', async () => {
    await writeFile(join(work, 'eager.js'), await bundleEntry(false));
    await writeFile(join(work, 'arrows.js'), await bundleEntry(true));
    const expected = JSON.stringify({
      plain: ['eager-plain', 42, true],
      thisTop: ['eager-this', true],
      // The kept arrow sees the bundle file's own module wrapper (exports, require, module, __filename, __dirname).
      args: ['eager-args', 5],
      user: { marker: 'eager-user', sum: 42, hasArguments: 'object' },
    });
    assert.equal(await runReport('eager.js'), expected);
    assert.equal(await runReport('arrows.js'), expected);
  });

  it('returns unminified output (wrappers are methods there) unchanged', () => {
    const unminified = 'var __commonJS = (cb, mod) => function __require() {\n  return mod || (0, cb[Object.getOwnPropertyNames(cb)[0]])((mod = { exports: {} }).exports, mod), mod.exports;\n};\nvar require_a = __commonJS({\n  "a.js"(exports, module) {\n    module.exports = 1;\n  }\n});\n';
    assert.deepEqual(compileCommonJsWrappersEagerly(unminified), { code: unminified, rewritten: 0, kept: 0 });
  });

  it('compiles all 50 CommonJS wrappers of importImage eagerly on Node 16, its bundle staying within 600 KiB', async () => {
    const bundle = await bundleRepositoryFunction('importImage', 'import-image', 16);
    const code = new TextDecoder().decode(bundle.code);
    // esbuild's __commonJS helper, minified: `var U=(e,t)=>()=>{try{return t||e((t={exports:{}}).exports,t),t.exports}…`.
    const helper = /var ([\w$]+)=\([\w$]+,([\w$]+)\)=>\(\)=>\{try\{return \2\|\|/.exec(code)?.[1];
    assert.ok(helper !== undefined, 'no __commonJS helper in the bundle');
    const calls = (shape: string) => code.split(`=${helper}(${shape}`).length - 1;
    assert.equal(calls('(function('), 50);
    assert.equal(calls('(') - calls('(function('), 0);
    assert.ok(bundle.code.length <= 600 * 1024, `index.js is ${bundle.code.length} bytes`);
  });
});
