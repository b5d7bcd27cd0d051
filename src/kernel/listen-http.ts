import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Starts an HTTP server (127.0.0.1 and a free port unless told otherwise) and says where it
 * listens, IPv6 hosts in brackets. Shared by `serve` and the local API emulators.
 */
export async function listenHttp(server: Server, options: { host?: string; port?: number } = {}): Promise<{ url: string; host: string; port: number }> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const hostInUrl = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return { url: `http://${hostInUrl}:${address.port}`, host: address.address, port: address.port };
}
