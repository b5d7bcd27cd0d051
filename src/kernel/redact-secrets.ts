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

/**
 * Redacts presigned-URL secrets wherever they appear in free text: JD may echo the imageUrl
 * in an error or task message, and such text goes into logs, records and output.
 */
export function redactSecretsInText(text: string): string {
  return text
    .replace(/(X-Amz-Signature=)[^&\s"'<>]+/gi, '$1REDACTED')
    .replace(/(X-Amz-Security-Token=)[^&\s"'<>]+/gi, '$1REDACTED')
    .replace(/(X-Amz-Credential=)[^%/&\s"'<>]+/gi, '$1REDACTED');
}
