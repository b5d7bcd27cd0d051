import { loadConfig } from '../../../use-cases/config/index.js';
import type { Upload } from '../../../domain/events/index.js';
import { createPipelineDeps, type PipelineDepsOptions } from '../../../use-cases/importing/index.js';
import { envWithRegionOption, type ParsedArgs } from '../args.js';
import type { EnvironmentName } from '../environment-help.js';
import type { CliIo } from '../io.js';
import { cliLogger } from '../log-level.js';
import type { S3Location } from '../s3-uri.js';

/** LOG_LEVEL of the commands a person runs: the results are the output, the log only warns. */
export const cliLogLevel = 'warn';

/** What the pipeline reads from the environment (VM endpoint added by the commands that call it). */
export const pipelineEnvironment: EnvironmentName[] = [
  'JDCLOUD_ACCESS_KEY_ID',
  'JDCLOUD_SECRET_ACCESS_KEY',
  'JDCLOUD_REGION',
  'OSS_ENDPOINT',
  'IMAGE_STATUS_PREFIX',
  'IMAGE_URL_EXPIRES_HOURS',
  'IMAGE_UNPACK_MAX_BYTES',
  'IMAGE_DEFAULT_*',
  'LOG_LEVEL',
];

/** The pipeline as the CLI runs it: configuration from the environment, `--region` on top. */
export function cliPipelineDeps(io: CliIo, args: ParsedArgs, options: Pick<PipelineDepsOptions, 'onApiRetry'> = {}) {
  const env = envWithRegionOption(args, io.env);
  return createPipelineDeps(env, { ...options, config: loadConfig(env), logger: cliLogger(io.env, cliLogLevel) });
}

/** A command-line object reference, shaped like an upload event for it. */
export function cliUpload(region: string, location: S3Location): Upload {
  return { region, bucket: location.bucket, keyCandidates: [location.key], eventName: 'ObjectCreated:Put', source: 'cli' };
}
