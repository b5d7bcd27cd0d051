import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkCredentials, loadCredentials } from '../../src/adapters/jdcloud/credentials.js';
import { MissingCredentialsError } from '../../src/adapters/jdcloud/errors.js';

test('loadCredentials reads both variables', () => {
  assert.deepEqual(loadCredentials({ JDCLOUD_ACCESS_KEY_ID: 'AK1', JDCLOUD_SECRET_ACCESS_KEY: 'SK1' }), {
    accessKeyId: 'AK1',
    secretAccessKey: 'SK1',
  });
});

test('loadCredentials names both variables and never shows a value', () => {
  const cases: Array<[Record<string, string | undefined>, string]> = [
    [{}, 'JD Cloud credentials are missing: JDCLOUD_ACCESS_KEY_ID is not set, JDCLOUD_SECRET_ACCESS_KEY is not set. Set JDCLOUD_ACCESS_KEY_ID and JDCLOUD_SECRET_ACCESS_KEY.'],
    [{ JDCLOUD_ACCESS_KEY_ID: 'AK1', JDCLOUD_SECRET_ACCESS_KEY: '' }, 'JD Cloud credentials are missing: JDCLOUD_SECRET_ACCESS_KEY is empty. Set JDCLOUD_ACCESS_KEY_ID and JDCLOUD_SECRET_ACCESS_KEY.'],
    [{ JDCLOUD_ACCESS_KEY_ID: '', JDCLOUD_SECRET_ACCESS_KEY: 'hunter2' }, 'JD Cloud credentials are missing: JDCLOUD_ACCESS_KEY_ID is empty. Set JDCLOUD_ACCESS_KEY_ID and JDCLOUD_SECRET_ACCESS_KEY.'],
    [{ JDCLOUD_ACCESS_KEY_ID: 'AK1', JDCLOUD_SECRET_ACCESS_KEY: 'hunter2\n' }, 'JD Cloud credentials are missing: JDCLOUD_SECRET_ACCESS_KEY contains whitespace. Set JDCLOUD_ACCESS_KEY_ID and JDCLOUD_SECRET_ACCESS_KEY.'],
  ];
  for (const [env, message] of cases) {
    assert.throws(() => loadCredentials(env), (error: unknown) => {
      assert.ok(error instanceof MissingCredentialsError);
      assert.equal(error.message, message);
      assert.doesNotMatch(error.message, /hunter2/);
      assert.deepEqual(error.fields, ['JDCLOUD_ACCESS_KEY_ID', 'JDCLOUD_SECRET_ACCESS_KEY']);
      assert.equal(error.attempts, 0);
      assert.equal(error.retryable, false);
      return true;
    });
  }
});

test('checkCredentials applies the same rules to credentials passed in code', () => {
  assert.throws(() => checkCredentials({ accessKeyId: 'AK', secretAccessKey: '' }), {
    name: 'MissingCredentialsError',
    message: 'JD Cloud credentials are missing: credentials.secretAccessKey is empty. Set JDCLOUD_ACCESS_KEY_ID and JDCLOUD_SECRET_ACCESS_KEY.',
  });
  assert.throws(() => checkCredentials(undefined), {
    message:
      'JD Cloud credentials are missing: credentials.accessKeyId is not set, credentials.secretAccessKey is not set. Set JDCLOUD_ACCESS_KEY_ID and JDCLOUD_SECRET_ACCESS_KEY.',
  });
});
