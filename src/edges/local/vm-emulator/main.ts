// Runs the VM API emulator alone: node --import tsx src/edges/local/vm-emulator/main.ts --port 9000
// Access key from JDCLOUD_ACCESS_KEY_ID / JDCLOUD_SECRET_ACCESS_KEY, else a fixed local test key.
import { parseArgs } from 'node:util';
import { startVmEmulator } from './vm-emulator.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '9000' },
    host: { type: 'string', default: '127.0.0.1' },
    'task-step-ms': { type: 'string', default: '2000' },
    'clock-skew-ms': { type: 'string', default: String(15 * 60_000) },
    'legacy-task-ids': { type: 'boolean', default: false },
  },
});

function wholeNumber(name: string, text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) {
    process.stderr.write(`--${name} must be a whole number, got ${JSON.stringify(text)}.\n`);
    process.exit(2);
  }
  return value;
}

const fromEnv = process.env['JDCLOUD_ACCESS_KEY_ID'] && process.env['JDCLOUD_SECRET_ACCESS_KEY'];
const credentials = fromEnv
  ? { accessKeyId: process.env['JDCLOUD_ACCESS_KEY_ID'] ?? '', secretAccessKey: process.env['JDCLOUD_SECRET_ACCESS_KEY'] ?? '' }
  : { accessKeyId: 'LOCAL-ACCESS-KEY', secretAccessKey: 'LOCAL-SECRET-KEY' };

const emulator = await startVmEmulator({
  host: values.host,
  port: wholeNumber('port', values.port),
  credentials: [credentials],
  taskStepMs: wholeNumber('task-step-ms', values['task-step-ms']),
  clockSkewMs: wholeNumber('clock-skew-ms', values['clock-skew-ms']),
  legacyTaskIds: values['legacy-task-ids'],
});
process.stdout.write(`VM API emulator listening on ${emulator.url}\n`);
process.stderr.write(
  fromEnv
    ? `Accepting the access key in JDCLOUD_ACCESS_KEY_ID.\n`
    : `Accepting the local test key: JDCLOUD_ACCESS_KEY_ID=LOCAL-ACCESS-KEY JDCLOUD_SECRET_ACCESS_KEY=LOCAL-SECRET-KEY\n`,
);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void emulator.stop().then(() => process.exit(0));
  });
}
