// Runs the CLI from source, so the RGW suite can start `oss-image-import serve` as a real
// process (and kill it) without a build: node --import tsx test/rgw/serve-cli.ts serve …
import { runCli } from '../../src/edges/cli/main.js';

process.exitCode = await runCli(process.argv.slice(2));
