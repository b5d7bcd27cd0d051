import { decodePercent, encodeRfc3986 } from './rfc3986.js';

/** One query parameter, decoded: `[name, value]`. A parameter without a value has value `''`. */
export type QueryPair = readonly [name: string, value: string];

/**
 * Splits a URL's query (with or without the leading `?`) into decoded pairs. `+` is kept as a
 * literal plus, not a space: the SDKs encode a space as `%20` (docs §1.5).
 */
export function parseQueryPairs(search: string): QueryPair[] {
  const query = search.startsWith('?') ? search.slice(1) : search;
  if (query === '') return [];
  return query
    .split('&')
    .filter((part) => part !== '')
    .map((part) => {
      const equals = part.indexOf('=');
      const name = equals === -1 ? part : part.slice(0, equals);
      const value = equals === -1 ? '' : part.slice(equals + 1);
      return [decodePercent(name), decodePercent(value)] as const;
    });
}

/**
 * The canonical query string (docs §1.5): names and values RFC 3986-encoded, sorted by encoded
 * name then encoded value in byte order, joined as `name=value` with `&`. Empty when there is
 * no query. The client sends this same string on the wire, so signed and sent never differ.
 */
export function canonicalQuery(pairs: readonly QueryPair[]): string {
  return pairs
    .map(([name, value]) => [encodeRfc3986(name), encodeRfc3986(value)] as const)
    .sort(([nameA, valueA], [nameB, valueB]) => compareBytes(nameA, nameB) || compareBytes(valueA, valueB))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
}

// Encoded strings are ASCII, so UTF-16 code unit order is byte order.
function compareBytes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
