import type { CliIo } from '../io.js';

/** The import request as `plan` prints it: a field a line, with where its value came from. */
export function printRequestLines(io: CliIo, request: Record<string, unknown>, sources: Partial<Record<string, string>>): void {
  for (const [name, value] of Object.entries(request)) {
    const from = sources[name];
    io.out(`  ${name.padEnd(17)} ${String(value)}${from !== undefined ? `  (${from})` : ''}\n`);
  }
}
