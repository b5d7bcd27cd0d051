import type { Problem } from '../../../src/kernel/index.js';
import { fcLimits } from '../../../src/domain/jdcloud-rules/index.js';
import { bucketNameProblem } from './bucket-name.js';
import { defaultOssEventTypes, normalizeOssEventType, ossEventTypes, type OssEventType } from './oss-event-types.js';
import { resourceNameProblem } from './resource-name.js';
import type { OssTriggerInput, TriggerConfig } from './service-config-shape.js';

function eventTypesOf(where: string, events: readonly string[], problems: Problem[]): OssEventType[] {
  const types: OssEventType[] = [];
  for (const [index, raw] of events.entries()) {
    const type = normalizeOssEventType(raw);
    if (type === undefined) {
      problems.push({
        code: 'unsupported-event-type',
        field: `${where}.events[${index}]`,
        value: raw,
        message: `${where}.events[${index}]: "${raw}" is not an OSS event type fc triggers on; use one of ${ossEventTypes.join(', ')} (the "oss:" may also be written "s3:").`,
      });
    } else if (!types.includes(type)) types.push(type);
  }
  return types;
}

/** One function's `events: - oss: …`, checked against fc's trigger and OSS filter rules. */
export function readTriggers(key: string, events: ReadonlyArray<{ oss: OssTriggerInput }>, problems: Problem[], warnings: Problem[]): TriggerConfig[] {
  const triggers: TriggerConfig[] = [];
  for (const [index, { oss }] of events.entries()) {
    const where = `functions.${key}.events[${index}].oss`;
    const bucketProblem = bucketNameProblem(`${where}.bucket`, oss.bucket);
    if (bucketProblem !== undefined) problems.push(bucketProblem);
    const eventTypes = eventTypesOf(where, oss.events ?? defaultOssEventTypes, problems);

    const prefix = oss.filter?.prefix ?? '';
    const suffix = oss.filter?.suffix ?? '';
    for (const [name, value] of [['prefix', prefix], ['suffix', suffix]] as const) {
      if (Buffer.byteLength(value) > fcLimits.maxFilterValueBytes) {
        problems.push({
          code: 'filter-too-long',
          field: `${where}.filter.${name}`,
          value: `${Buffer.byteLength(value)} bytes`,
          message: `${where}.filter.${name} is ${Buffer.byteLength(value)} bytes; OSS allows at most ${fcLimits.maxFilterValueBytes}.`,
        });
      }
    }
    if (prefix === '' && suffix === '') {
      warnings.push({
        code: 'trigger-without-filter',
        field: `${where}.filter`,
        message: `${where} has no filter, so every object written to bucket "${oss.bucket}" runs the function, including the status records it writes. Set filter.suffix (e.g. ".qcow2") or filter.prefix; JD strongly recommends a filter to avoid invocation loops.`,
      });
    }

    const name = oss.name ?? `oss-${index + 1}`;
    const nameProblem = resourceNameProblem(`${where}.name`, name, 'trigger');
    if (nameProblem !== undefined) problems.push(nameProblem);
    if (triggers.some((other) => other.name === name)) {
      problems.push({
        code: 'duplicate-trigger-name',
        field: `${where}.name`,
        value: name,
        message: `${where}.name: "${name}" is already used by another trigger of function ${key}; trigger names must be unique per function.`,
      });
    }
    triggers.push({
      where,
      name,
      bucket: oss.bucket,
      events: eventTypes,
      prefix,
      suffix,
      ...(oss.description !== undefined ? { description: oss.description } : {}),
      enabled: oss.enabled !== false,
    });
  }
  if (triggers.length > fcLimits.maxTriggersPerFunction) {
    problems.push({
      code: 'too-many-triggers',
      field: `functions.${key}.events`,
      value: String(triggers.length),
      message: `functions.${key}.events has ${triggers.length} oss triggers; fc allows at most ${fcLimits.maxTriggersPerFunction} per function. Combine filters, or split the work into another function.`,
    });
  }
  return triggers;
}
