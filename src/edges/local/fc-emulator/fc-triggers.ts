import { fcLimits } from '../../../domain/jdcloud-rules/index.js';
import { createTriggerBody, parseBody, parseTriggerConfig } from './fc-inputs.js';
import { exists, invalid, ok, precondition, type FcReply, type StoredFunction, type StoredTrigger } from './fc-state.js';

// The region and bucket patterns are a deliberately independent copy of JD's rules (not
// regionIdPattern or bucketNameRulesBroken from domain/jdcloud-rules): the emulator stands in for
// JD, so a mistake in our own rules shows as the plugin and the emulator disagreeing.
const jrnPattern = /^jrn:oss:([a-z]{2}-[a-z]+-\d{1,2})::([a-z0-9][a-z0-9-]{1,61}[a-z0-9])$/;

export interface CreateTriggerInput {
  region: string;
  fn: StoredFunction;
  body: unknown;
  time: string;
  /** Every trigger of the region, for JD's one-binding-per-filter rule. */
  bound: readonly StoredTrigger[];
}

/** createTrigger (docs §3.1–3.3): an oss trigger on a bucket of the function's region. */
export function createTrigger(input: CreateTriggerInput): FcReply {
  const { region, fn, time } = input;
  const parsed = parseBody(createTriggerBody, input.body);
  if ('reply' in parsed) return parsed.reply;
  const spec = parsed.data.triggerSpec;
  const jrn = jrnPattern.exec(spec.sourceJrn);
  if (jrn === null) return invalid(`triggerSpec.sourceJrn ${JSON.stringify(spec.sourceJrn)} is not jrn:oss:<regionId>::<bucket>`);
  if (jrn[1] !== region) return invalid(`bucket region ${jrn[1] ?? ''} differs from the function's region ${region}`);
  const config = parseTriggerConfig(spec.triggerConfig);
  if (config === undefined) return invalid('triggerSpec.triggerConfig must be JSON text with a non-empty events array');
  if (fn.triggers.has(spec.triggerName)) return exists(`trigger ${spec.triggerName} already exists in function ${fn.functionName}`);
  if (fn.triggers.size >= fcLimits.maxTriggersPerFunction) return precondition(`function ${fn.functionName} already has 10 triggers, the maximum`);
  // JD binds a prefix/suffix combination only once per bucket and event type.
  const bound = input.bound.find((existing) => {
    const existingConfig = parseTriggerConfig(existing.triggerConfig);
    return (
      existing.sourceJrn === spec.sourceJrn &&
      existingConfig !== undefined &&
      existingConfig.prefix === config.prefix &&
      existingConfig.suffix === config.suffix &&
      existingConfig.events.some((event) => config.events.includes(event))
    );
  });
  if (bound !== undefined) {
    return precondition(`bucket ${jrn[2] ?? ''} already binds prefix "${config.prefix}" suffix "${config.suffix}" for this event (trigger ${bound.triggerName})`);
  }
  fn.triggers.set(spec.triggerName, {
    triggerName: spec.triggerName,
    triggerType: 'oss',
    triggerConfig: spec.triggerConfig,
    description: spec.description ?? '',
    sourceJrn: spec.sourceJrn,
    status: spec.enable === false ? 'Disable' : 'Enable',
    createTime: time,
    updateTime: time,
  });
  return ok({ triggerName: spec.triggerName });
}

/** An object created in a bucket, as OSS tells fc about it. */
export interface OssUpload {
  region: string;
  bucket: string;
  key: string;
  etag: string;
  size: number;
  /** e.g. `ObjectCreated:Put` (with or without the `s3:`/`oss:` prefix). */
  eventName: string;
}

/** Event names match on what follows the prefix (`oss:`, `s3:`, `OSS:`; docs §3.3); `*` ends a wildcard. */
function eventMatches(pattern: string, eventName: string): boolean {
  const bare = (name: string) => name.replace(/^(oss|s3):/i, '');
  const wanted = bare(pattern);
  return wanted.endsWith('*') ? bare(eventName).startsWith(wanted.slice(0, -1)) : wanted === bare(eventName);
}

/**
 * The trigger an upload fires among these, or none: enabled, on the upload's bucket and region,
 * for its event, with a matching prefix and suffix (case-sensitive, on the raw key). When
 * several match, JD fires only one of them (docs §3.3): the first.
 */
export function firingTrigger<T extends { trigger: StoredTrigger }>(candidates: Iterable<T>, upload: OssUpload): T | undefined {
  for (const candidate of candidates) {
    const { trigger } = candidate;
    const config = parseTriggerConfig(trigger.triggerConfig);
    if (trigger.status !== 'Enable' || config === undefined || trigger.sourceJrn !== `jrn:oss:${upload.region}::${upload.bucket}`) continue;
    if (config.events.some((event) => eventMatches(event, upload.eventName)) && upload.key.startsWith(config.prefix) && upload.key.endsWith(config.suffix)) return candidate;
  }
  return undefined;
}

/**
 * The event an fc OSS trigger delivers for an upload: JD's Function Service shape
 * (`Records[].detail.s3`, docs/reference/jdcloud-api.md §4.5.1; fc's own is undocumented, §3.4).
 */
export function ossTriggerEvent(upload: OssUpload, time: Date): unknown {
  return {
    Records: [
      {
        version: '0',
        id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
        time: time.toISOString(),
        source: 'oss',
        region: upload.region,
        detailType: 'MessageReceived',
        resources: [`jrn:oss:${upload.region}:104064078905:${upload.bucket}/${upload.key}`],
        detail: {
          eventName: `s3:${upload.eventName.replace(/^(oss|s3):/i, '')}`,
          s3: {
            s3SchemaVersion: '1.0',
            bucket: { name: upload.bucket, ownerIdentity: { principalId: '104064078905' } },
            object: { key: upload.key, eTag: upload.etag, size: upload.size, type: 'application/octet-stream' },
          },
        },
      },
    ],
  };
}
