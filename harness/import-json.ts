import type { CliIo } from '../src/edges/cli/index.js';
import { captureIo } from './capture-io.js';

/** The CLI's entry (src/edges/cli/main.ts's runCli), passed in: harness/ enters src/edges/cli through its index only. */
export type RunCli = (args: string[], io: CliIo) => Promise<number>;

/** The parts of `import --json`'s document the unpacking suites read. */
export interface ImportOutcome {
  outcome: string;
  key?: string;
  imageId?: string;
  problems?: Array<{ code: string; message: string }>;
  unpackedTo?: { key: string; size: number; packing?: string; member?: string; durationMs?: number };
}

/** `oss-image-import import s3://<bucket>/<key> --json` with `env` (a local stack's): its exit code and document. */
export async function importJson(runCli: RunCli, env: NodeJS.ProcessEnv, key: string, bucket = 'images'): Promise<{ code: number; outcome: ImportOutcome }> {
  const { io, captured } = captureIo(env);
  const code = await runCli(['import', `s3://${bucket}/${key}`, '--json'], io);
  return { code, outcome: JSON.parse(captured.out) as ImportOutcome };
}
