import { decodePercent, encodeRfc3986 } from './rfc3986.js';

/**
 * The canonical URI: each `/`-separated segment RFC 3986-encoded once (docs §1.4).
 * Accepts a path as written in the API docs (`/images:import`) or as it appears in a URL
 * (`/images%3Aimport`, `/img-%E6%B5%8B`); both give the same canonical form, because each
 * segment is decoded before it is encoded.
 */
export function canonicalUri(path: string): string {
  if (path === '') return '/';
  return path
    .split('/')
    .map((segment) => encodeRfc3986(decodePercent(segment)))
    .join('/');
}
