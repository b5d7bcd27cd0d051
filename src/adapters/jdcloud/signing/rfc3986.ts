/**
 * Percent-encodes text by RFC 3986: only `A-Z a-z 0-9 - . _ ~` stay as they are, every other
 * UTF-8 byte becomes `%XX` with upper-case hex. `encodeURIComponent` leaves `! ' ( ) *` alone,
 * which the JD SDKs encode (docs/reference/jdcloud-api.md §1.4), so those five are encoded here too.
 */
export function encodeRfc3986(text: string): string {
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
