/** The six parts of the canonical request (docs §1.3). */
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
