// `npm run bench`: runs every bench/*.bench.ts and prints one JSON document on stdout.
// Each module exports `run(): Promise<Record<string, unknown>>`; figures are ratios measured
// side by side in one run, because these machines are shared and noisy.
import { readdir } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';

const here = fileURLToPath(new URL('.', import.meta.url));
const only = process.argv.slice(2);
const files = (await readdir(here))
  .filter((name) => name.endsWith('.bench.ts'))
  .filter((name) => only.length === 0 || only.some((wanted) => name.startsWith(wanted)))
  .sort();

const results: Record<string, unknown> = {};
for (const file of files) {
  const module = (await import(pathToFileURL(join(here, file)).href)) as { run(): Promise<Record<string, unknown>> };
  process.stderr.write(`bench: ${file}\n`);
  results[file.replace(/\.bench\.ts$/, '')] = await module.run();
}
process.stdout.write(`${JSON.stringify({ node: process.version, results }, null, 2)}\n`);
