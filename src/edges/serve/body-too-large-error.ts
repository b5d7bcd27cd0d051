import { ServeError } from './serve-error.js';

/** A request body went over the endpoint's limit; answered with 413. */
export class BodyTooLargeError extends ServeError {
  override name = 'BodyTooLargeError';
  readonly limitBytes: number;
  readonly receivedBytes: number;
  /** False when the rest of the body was not read (the connection must be dropped). */
  readonly drained: boolean;

  constructor(limitBytes: number, receivedBytes: number, drained: boolean) {
    super(
      `Request body is too large: ${drained ? '' : 'at least '}${receivedBytes} bytes; the limit is ${limitBytes} bytes.`,
    );
    this.limitBytes = limitBytes;
    this.receivedBytes = receivedBytes;
    this.drained = drained;
  }
}
