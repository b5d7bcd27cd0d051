import { loadConfig } from '../../../use-cases/config/index.js';
import type { Upload } from '../../../domain/events/index.js';
import { createLogger } from '../../../kernel/index.js';
import { createPipelineDeps, type PipelineDepsOptions } from '../../../use-cases/importing/index.js';
import { envWithRegionOption, type ParsedArgs } from '../args.js';
import type { CliIo } from '../io.js';
import type { S3Location } from '../s3-uri.js';

/** The pipeline as the CLI runs it: configuration from the environment, `--region` on top. */
export function cliPipelineDeps(io: CliIo, args: ParsedArgs, options: Pick<PipelineDepsOptions, 'onApiRetry'> = {}) {
  const env = envWithRegionOption(args, io.env);
  return createPipelineDeps(env, { ...options, config: loadConfig(env), logger: createLogger({ level: io.env['LOG_LEVEL'] ?? 'warn' }) });
}

/** A command-line object reference, shaped like an upload event for it. */
export function cliUpload(region: string, location: S3Location): Upload {
  return { region, bucket: location.bucket, keyCandidates: [location.key], eventName: 'ObjectCreated:Put', source: 'cli' };
}
