import type { IncomingMessage } from 'node:http';
import { BodyTooLargeError } from './body-too-large-error.js';

/**
 * Reads a request body into memory, keeping at most `limitBytes`. Past the limit it reads and
 * drops up to `discardLimitBytes` more before throwing: a server that answers 413 and closes
 * while the client is still sending makes the kernel reset the connection, and the client then
 * sees a reset instead of the 413. Past `discardLimitBytes` it stops reading and throws with
 * `drained: false`, leaving the request (and its socket) alone: destroying the request here
 * would destroy the socket before the 413 can be written (the server drops the rest after it).
 */
export function readBody(request: IncomingMessage, limitBytes: number, discardLimitBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const stop = () => {
      request.off('data', onData);
      request.off('end', onEnd);
      request.off('error', onError);
      request.off('aborted', onAborted);
    };
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > discardLimitBytes) {
        stop();
        request.pause();
        reject(new BodyTooLargeError(limitBytes, received, false));
      } else if (received <= limitBytes) {
        chunks.push(chunk);
      }
    };
    const onEnd = () => {
      stop();
      if (received > limitBytes) reject(new BodyTooLargeError(limitBytes, received, true));
      else resolve(Buffer.concat(chunks, received));
    };
    const onError = (error: Error) => {
      stop();
      reject(error);
    };
    const onAborted = () => onError(new Error('The sender closed the connection before the body ended.'));
    request.on('data', onData);
    request.on('end', onEnd);
    request.on('error', onError);
    request.on('aborted', onAborted);
  });
}
