// JD Cloud OSS rules, defined once (docs/reference/jdcloud-api.md §4, and JD's OSS "basic concepts" page).

/** The public S3 endpoint of a region: what the function reads from when OSS_ENDPOINT is unset. */
export function ossPublicEndpoint(region: string): string {
  return `https://s3.${region}.jdcloud-oss.com`;
}

/** The same-region internal endpoint: importImage downloads only from an internal URL of its own region. */
export function ossInternalEndpoint(region: string): string {
  return `https://s3-internal.${region}.jdcloud-oss.com`;
}

/**
 * The region in a JD OSS host: `<bucket>.s3-internal.<region>.jdcloud-oss.com`,
 * `s3.<region>.jdcloud-oss.com`, and the legacy `…<region>.jcloudcs.com` names.
 */
export function ossRegionOfHost(hostname: string): string | undefined {
  return /(?:^|\.)(?:s3|s3-internal|s3-ipv6|oss)\.([a-z]{2}-[a-z]+-\d{1,2})\.(?:jdcloud-oss|jcloudcs)\.com$/.exec(hostname)?.[1];
}

/**
 * Object keys: at most 1024 bytes of UTF-8, as in S3 (a longer one is refused with
 * KeyTooLongError). JD OSS is S3-compatible (docs/reference/jdcloud-api.md §4.4).
 */
export const maxObjectKeyBytes = 1024;

/**
 * Bucket names: 3–63 characters of lower-case letters, digits and `-`, starting and ending with
 * a letter or digit, with no `--`. Returns the rules a name breaks (none when it is valid).
 */
export function bucketNameRulesBroken(name: string): string[] {
  const rules: [boolean, string][] = [
    [name.length >= 3 && name.length <= 63, 'it must be 3 to 63 characters long'],
    [/^[a-z0-9-]*$/.test(name), 'it may contain only lower-case letters, digits and "-"'],
    [/^[a-z0-9]/.test(name) && /[a-z0-9]$/.test(name), 'it must start and end with a lower-case letter or digit'],
    [!name.includes('--'), 'it must not contain "--"'],
  ];
  return rules.filter(([ok]) => !ok).map(([, rule]) => rule);
}
