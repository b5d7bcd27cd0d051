// The emulator started alone, as a developer runs it: node --import tsx src/edges/local/vm-emulator/main.ts --port 0
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { createJdCloudClient } from '../../src/adapters/jdcloud/client/create-jdcloud-client.js';
import { createVmApi } from '../../src/adapters/jdcloud/vm/vm-api.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

test('main.ts listens on the port given, accepts the key from the environment, and stops on SIGTERM', async (t) => {
  const credentials = { accessKeyId: 'MAIN-TEST-AK', secretAccessKey: 'MAIN-TEST-SK' };
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/edges/local/vm-emulator/main.ts', '--port', '0', '--task-step-ms', '0'], {
    cwd: repoRoot,
    env: { ...process.env, JDCLOUD_ACCESS_KEY_ID: credentials.accessKeyId, JDCLOUD_SECRET_ACCESS_KEY: credentials.secretAccessKey },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  t.after(() => child.kill('SIGKILL'));
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const url = await new Promise<string>((resolve, reject) => {
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /^VM API emulator listening on (http:\/\/127\.0\.0\.1:\d+)\n/.exec(stdout);
      if (match?.[1] !== undefined) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code}: ${stderr}`)));
  });

  const client = createJdCloudClient({ endpoint: url, service: 'vm', credentials });
  try {
    const vm = createVmApi(client);
    const { taskId } = await vm.importImage('cn-north-1', {
      architecture: 'x86_64',
      osType: 'linux',
      platform: 'Ubuntu',
      diskFormat: 'qcow2',
      systemDiskSizeGB: 40,
      imageUrl: 'https://images.s3-internal.cn-north-1.jdcloud-oss.com/a.qcow2',
      imageName: 'from-main',
    });
    // --task-step-ms 0: the task is finished at once.
    const page = await vm.describeImageTasks('cn-north-1', { taskIds: [taskId] });
    assert.deepEqual(page.tasks.map((task) => [task.taskId, task.taskStatus]), [[taskId, 'finished']]);
  } finally {
    await client.close();
  }
  assert.equal(stderr, 'Accepting the access key in JDCLOUD_ACCESS_KEY_ID.\n');
  child.kill('SIGTERM');
  const [code] = await once(child, 'exit');
  assert.equal(code, 0);
});
