// The canonical request of JDCLOUD2-HMAC-SHA256 (docs/reference/jdcloud-api.md §1.3–1.7): how the
// URI, the query, the headers and the payload are written before anything is hashed. Pure text.
import { hash } from 'node:crypto';

const unreserved = /^[A-Za-z0-9._~-]*$/;

/**
 * Percent-encodes text by RFC 3986: only `A-Z a-z 0-9 - . _ ~` stay as they are, every other
 * UTF-8 byte becomes `%XX` with upper-case hex. `encodeURIComponent` leaves `! ' ( ) *` alone,
 * which the JD SDKs encode (§1.4), so those five are encoded here too.
 */
export function encodeRfc3986(text: string): string {
  // Most names and values are plain (`taskIds.1`, `cn-north-1`): nothing to encode.
  if (unreserved.test(text)) return text;
  return encodeURIComponent(text).replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * Decodes `%XX` sequences so text that arrives already encoded is encoded exactly once.
 * A malformed sequence (a lone `%`) is kept literally, so it gets encoded as `%25`.
 */
export function decodePercent(text: string): string {
  if (!text.includes('%')) return text;
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * The canonical URI: each `/`-separated segment RFC 3986-encoded once (§1.4). Accepts a path as
 * written in the API docs (`/images:import`) or as it appears in a URL (`/images%3Aimport`,
 * `/img-%E6%B5%8B`); both give the same canonical form, because each segment is decoded first.
 */
export function canonicalUri(path: string): string {
  if (path === '') return '/';
  return path
    .split('/')
    .map((segment) => encodeRfc3986(decodePercent(segment)))
    .join('/');
}

/** One query parameter, decoded: `[name, value]`. A parameter without a value has value `''`. */
export type QueryPair = readonly [name: string, value: string];

/**
 * Splits a URL's query (with or without the leading `?`) into decoded pairs. `+` is kept as a
 * literal plus, not a space: the SDKs encode a space as `%20` (§1.5).
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
 * The canonical query string (§1.5): names and values RFC 3986-encoded, sorted by encoded name
 * then encoded value in byte order, joined as `name=value` with `&`. Empty when there is no
 * query. The client sends this same string on the wire, so signed and sent never differ.
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

/** Headers that are never signed: HTTP clients and proxies may add or rewrite them (§1.2). */
const unsignableHeaders = new Set(['authorization', 'user-agent', 'content-length', 'accept-encoding', 'connection']);

/** The headers as they are signed: lower-case names in byte order, values trimmed and collapsed. */
export interface CanonicalHeaders {
  /** One `name:value\n` line per header (the block ends with its own newline). */
  block: string;
  /** The names joined by `;`, as in `SignedHeaders=`. */
  signedHeaders: string;
}

/**
 * Canonical headers (§1.6): names lower-cased and sorted, values trimmed with inner runs of
 * whitespace collapsed to one space. Signs exactly the headers given, minus the unsignable ones.
 * Two names that differ only in case are joined with `,`, as HTTP folds repeated headers.
 */
export function canonicalHeaders(headers: Readonly<Record<string, string>>): CanonicalHeaders {
  const byName = new Map<string, string>();
  for (const [rawName, rawValue] of Object.entries(headers)) {
    const name = rawName.toLowerCase();
    if (unsignableHeaders.has(name)) continue;
    const value = rawValue.trim().replace(/\s+/g, ' ');
    const earlier = byName.get(name);
    byName.set(name, earlier === undefined ? value : `${earlier},${value}`);
  }
  const names = [...byName.keys()].sort();
  return {
    block: names.map((name) => `${name}:${byName.get(name) ?? ''}\n`).join(''),
    signedHeaders: names.join(';'),
  };
}

/** SHA-256 of the empty body: GET, DELETE and every request without a body (§1.3). */
export const emptyPayloadHash = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/** Lower-case hex SHA-256 of the exact bytes sent; a string is hashed as UTF-8 (§1.7). */
export function payloadHash(body: string | Uint8Array | undefined): string {
  if (body === undefined || body.length === 0) return emptyPayloadHash;
  return hash('sha256', body, 'hex');
}

/** The six parts of the canonical request (§1.3). */
export interface CanonicalRequestParts {
  method: string;
  canonicalUri: string;
  canonicalQuery: string;
  /** The canonical-headers block, ending with its own `\n`. */
  canonicalHeaders: string;
  signedHeaders: string;
  payloadHash: string;
}

/**
 * The parts joined by `\n`. The headers block ends with `\n` and the join adds one more, so an
 * empty line separates the last header from the signed-headers line.
 */
export function canonicalRequest(parts: CanonicalRequestParts): string {
  return [
    parts.method.toUpperCase(),
    parts.canonicalUri,
    parts.canonicalQuery,
    parts.canonicalHeaders,
    parts.signedHeaders,
    parts.payloadHash,
  ].join('\n');
}
