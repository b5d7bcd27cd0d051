#!/usr/bin/env node
// The command runs the compiled CLI; `npm install` builds it (the "prepare" script).
// The AWS SDK's notice that releases from 2027 need Node 22 would precede every command's
// output on Node 20; deployments see it in the function's logs instead.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const { runCli } = await import('../dist/src/edges/cli/main.js');

process.exitCode = await runCli(process.argv.slice(2));
