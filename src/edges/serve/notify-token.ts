import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { NotifyTokenError } from './notify-token-error.js';

/** Shorter shared secrets are guessable; notification senders can retry as often as they like. */
export const minimumTokenLength = 16;

/** Reads and checks NOTIFY_TOKEN; throws NotifyTokenError saying what to set. */
export function notifyTokenFromEnv(env: NodeJS.ProcessEnv): string {
  const token = env['NOTIFY_TOKEN'];
  if (token === undefined || token === '') {
    throw new NotifyTokenError(
      'NOTIFY_TOKEN is not set: set it to a random secret of at least 16 characters (e.g. `openssl rand -hex 24`) ' +
        'and give the same value to the sender as a bearer token or as ?token= in the notification URL.',
    );
  }
  if (token.length < minimumTokenLength || token.trim() !== token) {
    throw new NotifyTokenError(
      `NOTIFY_TOKEN is not allowed: it has ${token.length} characters${token.trim() !== token ? ' and surrounding whitespace' : ''}; ` +
        `use at least ${minimumTokenLength} characters without surrounding whitespace (e.g. \`openssl rand -hex 24\`).`,
    );
  }
  return token;
}

/**
 * The token a request presents: `Authorization: Bearer <token>`, else the `token` query
 * parameter (RGW topics and JD OSS callbacks can only be given a URL, not headers).
 */
export function presentedToken(headers: IncomingHttpHeaders, url: URL): string | undefined {
  const authorization = headers.authorization;
  if (authorization !== undefined) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (match?.[1] !== undefined) return match[1];
  }
  return url.searchParams.get('token') ?? undefined;
}

/**
 * Compares in constant time. Hashing first makes both sides the same length, so neither the
 * content nor the length of the secret leaks through timing.
 */
export function tokenMatches(presented: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(presented), digest(expected));
}
