// Pure text functions, no SDK: the JD Cloud client library uses them too.

/** Removes what would let a reader fetch the object: the signature, the key id, any token. */
export function redactImageUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return redactSecretsInText(url);
  }
  if (parsed.searchParams.has('X-Amz-Signature')) parsed.searchParams.set('X-Amz-Signature', 'REDACTED');
  if (parsed.searchParams.has('X-Amz-Security-Token')) parsed.searchParams.set('X-Amz-Security-Token', 'REDACTED');
  const credential = parsed.searchParams.get('X-Amz-Credential');
  if (credential !== null) parsed.searchParams.set('X-Amz-Credential', credential.replace(/^[^/]*/, 'REDACTED'));
  return parsed.toString();
}

// An echo of a presigned URL may come back percent-encoded once or more (`=` as `%3D`, `%253D`,
// …, `&` as `%26`, `%2526`, …; hex in either case) or JSON-escaped (`\u003d`, `\u0026`, as
// Java's Gson writes them; the backslash itself escaped or encoded again), so the separators and
// the end of a value are matched in every mix of those forms.
const percent = (hex: string) => String.raw`%(?:25)*${hex}`;
const escaped = (hex: string) => String.raw`(?:\\|${percent('5C')})+u00${hex}`;
const equalsSign = `(?:=|${percent('3D')}|${escaped('3d')})`;
const endOfValue = String.raw`(?:&|${percent('26')}|${escaped('26')}|[\s"'<>])`;
const secretValue = `(?:(?!${endOfValue})[^])+`;

const signaturePattern = new RegExp(`(X-Amz-Signature${equalsSign})${secretValue}`, 'gi');
const tokenPattern = new RegExp(`(X-Amz-Security-Token${equalsSign})${secretValue}`, 'gi');
// Only the access key id before the first `/` (raw or encoded) is secret; the scope after it is kept.
const credentialPattern = new RegExp(String.raw`(X-Amz-Credential${equalsSign})[^%/&\s"'<>\\]+`, 'gi');

/**
 * Redacts presigned-URL secrets wherever they appear in free text, raw or encoded: JD may echo
 * the imageUrl in an error or task message, and such text goes into logs, records and output.
 */
export function redactSecretsInText(text: string): string {
  return text.replace(signaturePattern, '$1REDACTED').replace(tokenPattern, '$1REDACTED').replace(credentialPattern, '$1REDACTED');
}
