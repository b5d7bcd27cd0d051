/** Where a command writes: stdout for results (one JSON document with --json), stderr for logs. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  env: NodeJS.ProcessEnv;
  /** True when stdout is a terminal (progress bars, colours). */
  isTty: boolean;
  /** The terminal's width when stdout is one. */
  columns?: number | undefined;
  /** Aborted on Ctrl-C, so long-running commands can finish in-flight work. */
  signal: AbortSignal;
}

function interruptSignal(): AbortSignal {
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  process.once('SIGTERM', () => controller.abort());
  return controller.signal;
}

let processSignal: AbortSignal | undefined;

export const stdio: CliIo = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  env: process.env,
  isTty: process.stdout.isTTY === true,
  get columns() {
    return process.stdout.isTTY === true ? process.stdout.columns : undefined;
  },
  get signal() {
    processSignal ??= interruptSignal();
    return processSignal;
  },
};

/** The one JSON document a failed `--json` command prints on stdout (the message also goes to stderr). */
export function printJsonError(io: CliIo, name: string, message: string): void {
  io.out(`${JSON.stringify({ error: { name, message } }, null, 2)}\n`);
}
