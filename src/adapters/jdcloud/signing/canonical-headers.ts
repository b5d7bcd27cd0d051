/** Headers that are never signed: HTTP clients and proxies may add or rewrite them (docs §1.2). */
const unsignableHeaders = new Set(['authorization', 'user-agent', 'content-length', 'accept-encoding', 'connection']);

/** The headers as they are signed: lower-case names in byte order, values trimmed and collapsed. */
export interface CanonicalHeaders {
  /** One `name:value\n` line per header (the block ends with its own newline). */
  block: string;
  /** The names joined by `;`, as in `SignedHeaders=`. */
  signedHeaders: string;
}

/**
 * Canonical headers (docs §1.6): names lower-cased and sorted, values trimmed with inner runs of
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
