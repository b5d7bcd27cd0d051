import type { Problem } from '../../../src/kernel/index.js';
import { ossEventTypesOverlap, type OssEventType } from './oss-event-types.js';

export interface TriggerFilterFacts {
  /** Where it is written, e.g. `functions.importImage.events[0].oss`. */
  where: string;
  bucket: string;
  events: readonly OssEventType[];
  prefix: string;
  suffix: string;
}

/** Two filters can match one key when one prefix extends the other and so does one suffix. */
function keyFiltersOverlap(a: TriggerFilterFacts, b: TriggerFilterFacts): boolean {
  const prefixesOverlap = a.prefix.startsWith(b.prefix) || b.prefix.startsWith(a.prefix);
  const suffixesOverlap = a.suffix.endsWith(b.suffix) || b.suffix.endsWith(a.suffix);
  return prefixesOverlap && suffixesOverlap;
}

function describeFilter(trigger: TriggerFilterFacts): string {
  return `prefix "${trigger.prefix}", suffix "${trigger.suffix}"`;
}

export interface OverlapFindings {
  /** Same bucket, event and prefix+suffix: JD refuses to bind the second one. */
  errors: Problem[];
  /** Filters that can both match one key: JD fires only one of the triggers. */
  warnings: Problem[];
}

/**
 * Compares every pair of OSS triggers in the service (docs §3.3, §4.5.3): on one bucket and
 * event type JD binds a prefix/suffix combination only once, and when several triggers match
 * an upload only the first fires.
 */
export function findTriggerOverlaps(triggers: readonly TriggerFilterFacts[]): OverlapFindings {
  const findings: OverlapFindings = { errors: [], warnings: [] };
  for (const [index, a] of triggers.entries()) {
    for (const b of triggers.slice(index + 1)) {
      if (a.bucket !== b.bucket) continue;
      const shared = a.events.filter((type) => b.events.some((other) => ossEventTypesOverlap(type, other)));
      if (shared.length === 0 || !keyFiltersOverlap(a, b)) continue;
      const events = shared.join(', ');
      if (a.prefix === b.prefix && a.suffix === b.suffix) {
        findings.errors.push({
          code: 'duplicate-trigger-filter',
          field: b.where,
          value: describeFilter(b),
          message: `${b.where} repeats the filter of ${a.where} on bucket "${b.bucket}" (${describeFilter(b)}, ${events}); JD binds a prefix/suffix pair only once per bucket and event. Merge the two events or change one filter.`,
        });
      } else {
        findings.warnings.push({
          code: 'overlapping-triggers',
          field: b.where,
          value: describeFilter(b),
          message: `${a.where} (${describeFilter(a)}) and ${b.where} (${describeFilter(b)}) can both match one upload to bucket "${b.bucket}" for ${events}; JD fires only one of them. Make the filters disjoint (different suffixes or non-nested prefixes).`,
        });
      }
    }
  }
  return findings;
}
