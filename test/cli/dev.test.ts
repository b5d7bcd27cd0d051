import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCli } from '../../src/edges/cli/main.js';
import { captureIo } from '../../harness/capture-io.js';

describe('oss-image-import dev --once (npm start)', () => {
  it('starts the local stack, uploads the demo image, shows it submitted and its task finished', async () => {
    const { io, captured } = captureIo({ LOG_LEVEL: 'silent' });
    const code = await runCli(['dev', '--once', '--oss-port', '0', '--vm-port', '0', '--task-step-ms', '100'], io);
    assert.equal(code, 0, captured.err);
    assert.match(captured.err, /local OSS \(S3 API, s3rver\): {2}http:\/\/127\.0\.0\.1:\d+ {3}bucket "images"/);
    assert.match(captured.err, /curl -sS -X PUT --upload-file my\.qcow2 -H 'x-amz-meta-platform: Ubuntu'/);
    assert.match(captured.err, /\[import\] s3:\/\/images\/ubuntu-22\.04\.qcow2: submitted — image img-\w+, task \d+/);
    // The follow-through: ready, both copies, the share, and two signed notifications at the local receiver.
    assert.match(captured.err, /\[follow\] s3:\/\/images\/ubuntu-22\.04\.qcow2: 0% submitted · copies cn-east-2 pending, cn-south-1 pending · share pending · \d+s\n/);
    assert.match(captured.err, /\[follow\] s3:\/\/images\/ubuntu-22\.04\.qcow2: 100% ready · copies cn-east-2 ready, cn-south-1 ready · shared · notified ready, copies-finished · \d+s\n/);
    assert.match(captured.err, /\[notify\] ready s3:\/\/images\/ubuntu-22\.04\.qcow2 \(signature ok, id [0-9a-f-]{36}\)\n/);
    assert.match(captured.err, /\[notify\] copies-finished s3:\/\/images\/ubuntu-22\.04\.qcow2 \(signature ok, id [0-9a-f-]{36}\)\n/);
    assert.match(captured.err, /Stopping the local stack…\n$/);
    assert.equal(captured.out, '');
  });
});
