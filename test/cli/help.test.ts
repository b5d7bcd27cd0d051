// What users of git and the aws CLI expect: --version, help <command>, did-you-mean, full
// per-command help, and a README that says what --help says.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { runCli } from '../../src/edges/cli/main.js';
import { captureIo } from '../../harness/capture-io.js';

const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
const packageJson = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
const commands = ['inspect', 'plan', 'import', 'backfill', 'status', 'tasks', 'serve', 'dev'];

async function run(argv: string[], env: NodeJS.ProcessEnv = {}) {
  const { io, captured } = captureIo(env);
  const code = await runCli(argv, io);
  return { code, out: captured.out, err: captured.err };
}

/** The README's table of commands: first cell (a usage line) by command name. */
function readmeCommandTable(): Map<string, string> {
  const start = readme.indexOf('| command | what it does |');
  assert.ok(start >= 0, 'README has a "| command | what it does |" table');
  const rows = readme.slice(start).split('\n').slice(2);
  const table = new Map<string, string>();
  for (const row of rows) {
    if (!row.startsWith('| `')) break;
    const usage = /^\| `((?:[^`\\]|\\.)*)` \|/.exec(row)?.[1]?.replace(/\\\|/g, '|') ?? '';
    table.set(usage.split(' ')[0] ?? '', usage);
  }
  return table;
}

describe('oss-image-import --version, help and mistakes', () => {
  it('--version and -V print the package version (exit 0)', async () => {
    for (const flag of ['--version', '-V']) {
      const result = await run([flag]);
      assert.deepEqual(result, { code: 0, out: `${packageJson.version}\n`, err: '' });
    }
  });

  it('help <command> and <command> --help print the same help on stdout (exit 0)', async () => {
    const viaHelp = await run(['help', 'plan']);
    const viaFlag = await run(['plan', '--help']);
    assert.equal(viaHelp.code, 0);
    assert.equal(viaHelp.err, '');
    assert.deepEqual(viaFlag, viaHelp);
    assert.match(viaHelp.out, /^Usage: oss-image-import plan s3:\/\/bucket\/key \[--region R\] \[--json\]\n/);
  });

  it('backfill --help lists every option with its meaning and default, the environment and examples', async () => {
    const { code, out } = await run(['backfill', '--help']);
    assert.equal(code, 0);
    const expected = [
      'Usage: oss-image-import backfill s3://bucket[/prefix] [--concurrency N] [--rate R] [--dry-run] [--force] [--region R] [--json]',
      '  --concurrency <N>  objects imported at once, 1-64 (default: 4)',
      '  --dry-run          show what would be imported or rejected; call no API, write nothing',
      '  --force            re-import versions a status record already covers (a new clientToken)',
      '  --region <R>       JD Cloud region id, e.g. cn-north-1 (overrides JDCLOUD_REGION)',
      '  --json             print one JSON document on stdout (logs and errors go to stderr)',
      'Environment:',
      '  JDCLOUD_ACCESS_KEY_ID      access key id for the OpenAPI and OSS (required where a call is made)',
      '  JDCLOUD_SECRET_ACCESS_KEY  its secret',
      '  JDCLOUD_REGION             region when none is given (default cn-north-1)',
      'Examples:',
      '  $ oss-image-import backfill s3://disk-images/ --dry-run',
      'Exit codes: 0 done, 1 operational failure, 2 usage error (a bad flag or variable), 3 input rejected.',
    ];
    const lines = out.split('\n');
    for (const line of expected) assert.ok(lines.includes(line), `missing line:\n${line}\nin:\n${out}`);
    assert.match(out, /\n {2}--rate <R> +VM API calls per second at most \(each 429 halves it; JD allows about 1000 a\n +minute\) \(default: 5\)\n/);
    assert.match(out, /\n {2}LOG_LEVEL +level of the JSON log lines on stderr: fatal, error, warn, info, debug,\n +trace, silent \(default warn\)\n/);
    for (const variable of ['JDCLOUD_VM_ENDPOINT', 'OSS_ENDPOINT', 'IMAGE_STATUS_PREFIX', 'IMAGE_DEFAULT_*']) assert.match(out, new RegExp(`\\n {2}${variable.replace('*', '\\*')} `));
  });

  it('serve --help names NOTIFY_TOKEN; every command has environment and examples', async () => {
    assert.match((await run(['serve', '--help'])).out, /\n {2}NOTIFY_TOKEN +shared secret every notification must present, 16 characters or more\n +\(required\)\n/);
    for (const command of commands) {
      const { code, out } = await run([command, '--help']);
      assert.equal(code, 0, command);
      assert.match(out, /\nEnvironment:\n {2}[A-Z_*]+ /, command);
      assert.match(out, new RegExp(`\\nExamples:\\n {2}\\$ oss-image-import ${command}`), command);
    }
  });

  it('a mistyped command or option is a usage error (exit 2) with a did-you-mean', async () => {
    assert.deepEqual(await run(['imprt', 's3://images/a.qcow2']), {
      code: 2,
      out: '',
      err: "unknown command 'imprt'\n(Did you mean import?)\nUsage: oss-image-import <command> [options]\n",
    });
    assert.deepEqual(await run(['help', 'imprt']), {
      code: 2,
      out: '',
      err: "unknown command 'imprt'\n(Did you mean import?)\nUsage: oss-image-import <command> [options]\n",
    });
    assert.deepEqual(await run(['backfill', 's3://images/', '--dryrun']), {
      code: 2,
      out: '',
      err:
        "unknown option '--dryrun'\n(Did you mean --dry-run?)\n" +
        'Usage: oss-image-import backfill s3://bucket[/prefix] [--concurrency N] [--rate R] [--dry-run] [--force] [--region R] [--json]\n',
    });
    const json = await run(['status', '--refesh', '--json']);
    assert.equal(json.code, 2);
    assert.deepEqual(JSON.parse(json.out), { error: { name: 'UsageError', message: "unknown option '--refesh'\n(Did you mean --refresh?)" } });
  });

  it('no command prints the help on stderr (exit 2)', async () => {
    const { code, out, err } = await run([]);
    assert.equal(code, 2);
    assert.equal(out, '');
    assert.match(err, /^Usage: oss-image-import <command> \[options\]\n/);
    for (const command of commands) assert.match(err, new RegExp(`\\n {2}${command} `));
  });

  it('a bad value from a flag or from the environment is the same usage error (exit 2)', async () => {
    const flag = await run(['backfill', 's3://images/', '--concurrency', '0']);
    assert.equal(flag.code, 2);
    assert.match(flag.err, /^--concurrency "0" is not allowed: use a whole number from 1 to 64\.\n/);
    const env = { JDCLOUD_ACCESS_KEY_ID: 'k', JDCLOUD_SECRET_ACCESS_KEY: 's', JDCLOUD_VM_ENDPOINT: 'http://127.0.0.1:9', OSS_ENDPOINT: 'http://127.0.0.1:9' };
    assert.deepEqual(await run(['plan', 's3://images/a.qcow2', '--region', 'north'], env), {
      code: 2,
      out: '',
      err: '--region "north" is not a JD Cloud region id; use the form cn-north-1.\nUsage: oss-image-import plan s3://bucket/key [--region R] [--json]\n',
    });
    assert.deepEqual(await run(['plan', 's3://images/a.qcow2'], { ...env, JDCLOUD_REGION: 'north' }), {
      code: 2,
      out: '',
      err: 'JDCLOUD_REGION="north" is not a JD Cloud region id, e.g. cn-north-1.\n',
    });
    assert.deepEqual(await run(['backfill', 's3://images/'], { ...env, LOG_LEVEL: 'bogus' }), {
      code: 2,
      out: '',
      err: 'LOG_LEVEL="bogus" is not allowed: use one of fatal, error, warn, info, debug, trace, silent.\n',
    });
  });

  it("README's table of commands says what --help says, and its Environment table has every variable --help names", async () => {
    const table = readmeCommandTable();
    assert.deepEqual([...table.keys()], commands);
    const environment = readme.slice(readme.indexOf('## Environment'), readme.indexOf('\n## ', readme.indexOf('## Environment') + 1));
    for (const command of commands) {
      const { out } = await run([command, '--help']);
      const usage = /^Usage: oss-image-import (.*)\n/.exec(out)?.[1];
      assert.equal(table.get(command), usage, command);
      const names = [...out.slice(out.indexOf('\nEnvironment:\n')).matchAll(/\n {2}([A-Z][A-Z0-9_*]+) /g)].map((match) => match[1] ?? '');
      for (const name of names) {
        const documented = name.endsWith('*') ? environment.includes(`\`${name.slice(0, -1)}`) : environment.includes(`\`${name}\``);
        assert.ok(documented, `${name} (${command} --help) is not in README's Environment table`);
      }
    }
  });
});
