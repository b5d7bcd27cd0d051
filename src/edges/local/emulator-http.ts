// The HTTP plumbing both local API emulators (VM and fc) share: listen, answer, read bodies.
import { createServer, type IncomingMessage, type Server, type ServerOptions, type ServerResponse } from 'node:http';
import { sendJson } from './vm-emulator/api-responses.js';
import { listenHttp } from '../../kernel/index.js';

export interface ListeningServer {
  /** `http://127.0.0.1:<port>` (IPv6 hosts in brackets). */
  url: string;
  port: number;
  /** Stops listening and closes every connection: hung responses and idle keep-alive sockets would hold close() open forever. */
  close(): Promise<void>;
}

/** Starts an HTTP server (127.0.0.1 and a free port unless told otherwise) and says where. */
export async function listenOnLoopback(server: Server, options: { host?: string; port?: number } = {}): Promise<ListeningServer> {
  const { url, port } = await listenHttp(server, options);
  return {
    url,
    port,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}

/**
 * An HTTP server for an emulated JD OpenAPI: a handler that throws answers a JD-style 500
 * envelope (or drops the connection when the response had already begun).
 */
export function createJsonApiServer(handle: (request: IncomingMessage, response: ServerResponse) => Promise<void>, options: ServerOptions = {}): Server {
  return createServer(options, (request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) sendJson(response, 500, { error: { status: 'INTERNAL', code: 500, message: String(error) } });
      else response.destroy();
    });
  });
}

/** The whole request body, or undefined when it is over `maxBytes` (it is drained, not kept). */
export function readRequestBody(request: IncomingMessage, maxBytes: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) chunks.push(chunk);
    });
    request.on('end', () => resolve(size > maxBytes ? undefined : Buffer.concat(chunks)));
    request.on('error', reject);
  });
}
