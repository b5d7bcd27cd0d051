import { ServeError } from './serve-error.js';

/** NOTIFY_TOKEN is missing or too weak to guard a public endpoint. */
export class NotifyTokenError extends ServeError {
  override name = 'NotifyTokenError';
}
