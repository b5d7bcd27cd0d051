// What each environment variable means, for the commands' `--help` (README "Environment" says the same).
const environmentHelp = {
  JDCLOUD_ACCESS_KEY_ID: 'access key id for the OpenAPI and OSS (required where a call is made)',
  JDCLOUD_SECRET_ACCESS_KEY: 'its secret',
  JDCLOUD_REGION: 'region when none is given (default cn-north-1)',
  JDCLOUD_VM_ENDPOINT: 'VM OpenAPI base URL (default https://vm.jdcloud-api.com; http only for loopback)',
  OSS_ENDPOINT: 'S3 endpoint of the bucket (default https://s3.<region>.jdcloud-oss.com)',
  IMAGE_STATUS_PREFIX: 'where status records go in the bucket (default .image-import/)',
  IMAGE_ALLOWED_BUCKETS: 'comma-separated buckets that may import (default all)',
  IMAGE_URL_EXPIRES_HOURS: 'validity of the presigned imageUrl, 24-168 (default 24)',
  IMAGE_IMPORT_CONCURRENCY: 'records of one notification processed at once, 1-64 (default 8)',
  IMAGE_UNPACK_MAX_BYTES: 'the most a compressed or packaged upload may unpack to (default 500 GiB)',
  'IMAGE_DEFAULT_*': 'defaults below metadata and tags: _ARCHITECTURE, _OS_TYPE, _PLATFORM, _OS_VERSION, _SYSTEM_DISK_SIZE_GB, _FORCE_IMPORT, _COPY_TO_REGIONS, _SHARE_WITH',
  IMAGE_NOTIFY_URL: 'where notifications of final outcomes and finished copies are POSTed (https; http only for loopback)',
  IMAGE_NOTIFY_SECRET: 'signs each notification, HMAC-SHA256 of the body, 16 characters or more',
  IMAGE_FOLLOW_MAX_HOURS: 'how long an import and its copies are followed before giving up, 1-168 (default 24)',
  NOTIFY_TOKEN: 'shared secret every notification must present, 16 characters or more (required)',
  LOG_LEVEL: 'level of the JSON log lines on stderr: fatal, error, warn, info, debug, trace, silent',
} as const;

export type EnvironmentName = keyof typeof environmentHelp;

/** Words of `text` in lines of at most `width` characters (a longer word gets its own line). */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  return [...lines, line];
}

/** The variables a command reads, with their meaning, in the table's order, wrapped to `width`. */
export function environmentHelpText(names: readonly EnvironmentName[], logLevelDefault: string | undefined, width: number): string {
  const ordered = (Object.keys(environmentHelp) as EnvironmentName[]).filter((name) => names.includes(name));
  const nameWidth = Math.max(...ordered.map((name) => name.length));
  const lines = ordered.flatMap((name) => {
    const meaning = name === 'LOG_LEVEL' && logLevelDefault !== undefined ? `${environmentHelp[name]} (default ${logLevelDefault})` : environmentHelp[name];
    const [first = '', ...rest] = wrap(meaning, Math.max(20, width - nameWidth - 4));
    return [`  ${name.padEnd(nameWidth)}  ${first}`, ...rest.map((line) => `  ${' '.repeat(nameWidth)}  ${line}`)];
  });
  return `Environment:\n${lines.join('\n')}\n`;
}
