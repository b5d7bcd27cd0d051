#!/usr/bin/env node
// The command runs the compiled CLI; `npm install` builds it (the "prepare" script).
import { runCli } from '../dist/src/cli/main.js';

process.exitCode = await runCli(process.argv.slice(2));
