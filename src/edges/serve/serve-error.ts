/** Base class of the errors raised by the `serve` notification endpoint. */
export class ServeError extends Error {
  override name = 'ServeError';
}
