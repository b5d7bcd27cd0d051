import type { IncomingMessage } from 'node:http';
import { BodyTooLargeError } from './body-too-large-error.js';

/**
 * Reads a request body into memory, keeping at most `limitBytes`. Past the limit it reads and
 * drops up to `discardLimitBytes` more before throwing: a server that answers 413 and closes
 * while the client is still sending makes the kernel reset the connection, and the client then
 * sees a reset instead of the 413.
 */
export async function readBody(request: IncomingMessage, limitBytes: number, discardLimitBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let received = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    received += buffer.length;
    if (received > discardLimitBytes) throw new BodyTooLargeError(limitBytes, received, false);
    if (received <= limitBytes) chunks.push(buffer);
  }
  if (received > limitBytes) throw new BodyTooLargeError(limitBytes, received, true);
  return Buffer.concat(chunks, received);
}
