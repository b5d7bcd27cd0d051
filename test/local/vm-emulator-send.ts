// Hand-signed requests to the VM emulator over real HTTP, for the emulator's own tests: each
// option changes one thing the gateway checks (signature, keys, date, nonce, scope region).
import { request } from 'undici';
import { signRequest } from '../../src/adapters/jdcloud/signing/sign-request.js';
import type { VmEmulator } from '../../src/edges/local/vm-emulator/vm-emulator.js';

export interface Sent {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  json: any;
}

export interface SendOptions {
  body?: unknown;
  /** false sends no signature at all. */
  sign?: boolean;
  headers?: Record<string, string>;
  date?: Date;
  nonce?: string;
  keys?: { accessKeyId: string; secretAccessKey: string };
  /** The scope's region; default cn-north-1. */
  region?: string;
}

/** A sender that signs with these keys, dated by this clock unless a request says otherwise. */
export function createSender(defaults: { credentials: { accessKeyId: string; secretAccessKey: string }; now: () => number }) {
  return async function send(emulator: VmEmulator, method: 'GET' | 'POST', path: string, options: SendOptions = {}): Promise<Sent> {
    const url = `${emulator.url}${path}`;
    const body = options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
    const headers =
      options.sign === false
        ? { 'content-type': 'application/json', ...options.headers }
        : {
            ...signRequest({
              method,
              url,
              ...(body !== undefined ? { body } : {}),
              credentials: options.keys ?? defaults.credentials,
              region: options.region ?? 'cn-north-1',
              service: 'vm',
              date: options.date ?? new Date(defaults.now()),
              ...(options.nonce !== undefined ? { nonce: options.nonce } : {}),
            }),
            ...options.headers,
          };
    const response = await request(url, { method, headers, body: body ?? null });
    const text = await response.body.text();
    return { status: response.statusCode, headers: response.headers, json: text === '' ? undefined : JSON.parse(text) };
  };
}
