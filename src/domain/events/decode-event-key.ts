/**
 * Decodes a key the way AWS S3 encodes it in notifications: form-URL-encoding, where `+` is a
 * space and `%2B` a literal plus. Returns undefined when the text is not valid encoding (a
 * raw key with a lone `%`), so callers can fall back to the key as delivered.
 */
export function decodeEventKey(key: string): string | undefined {
  try {
    return decodeURIComponent(key.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}

/**
 * The keys an event's key may stand for, most likely first. `encoded` says whether the sender
 * is known to encode (AWS), known not to (RGW, s3rver), or unknown (JD OSS).
 */
export function keyCandidates(key: string, encoding: 'encoded' | 'raw' | 'unknown'): [string, ...string[]] {
  const decoded = decodeEventKey(key);
  if (decoded === undefined || decoded === key) return [key];
  return encoding === 'encoded' ? [decoded, key] : [key, decoded];
}
