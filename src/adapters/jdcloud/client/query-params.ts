import type { QueryPair } from '../signing/canonical-request.js';

export type QueryValue = string | number | boolean | readonly (string | number)[] | undefined;

/**
 * Flattens query parameters the JD way (docs §1.5): an array `taskIds: [7, 9]` becomes
 * `taskIds.1=7&taskIds.2=9` (1-based); undefined values are left out.
 */
export function queryPairs(query: Readonly<Record<string, QueryValue>>): QueryPair[] {
  const pairs: QueryPair[] = [];
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) {
      value.forEach((item: string | number, index) => pairs.push([`${name}.${index + 1}`, String(item)]));
    } else {
      pairs.push([name, String(value)]);
    }
  }
  return pairs;
}
