import { fcLimits } from '../../../domain/jdcloud-rules/index.js';
import { createTriggerBody, parseBody, parseTriggerConfig } from './fc-inputs.js';
import { exists, invalid, ok, precondition, type FcReply, type StoredFunction, type StoredTrigger } from './fc-state.js';

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
