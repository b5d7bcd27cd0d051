// The official JD Cloud SDK for Node (npm jdcloud-sdk-js, a devDependency) as tests and the
// bench use it: its VM client on any endpoint, and its clock and nonce pinned so a request it
// signs can be compared with ours byte for byte.
import { createRequire } from 'node:module';

/** What the SDK resolves with: the response envelope (it rejects with the envelope on an error). */
export interface OfficialEnvelope {
  requestId?: string;
  result?: any;
  error?: { code?: number; status?: string; message?: string };
}

type OfficialCall = (opts: Record<string, unknown>, regionId: string) => Promise<OfficialEnvelope>;

/** The SDK's VM client (src/repo/vm/v1/vm.js): the calls this project makes. */
export interface OfficialVm {
  importImage: OfficialCall;
  imageTasks: OfficialCall;
  describeImage: OfficialCall;
  describeImages: OfficialCall;
  copyImages: OfficialCall;
  shareImage: OfficialCall;
}

interface OfficialSdk {
  config: { logger: (message: string, level?: string) => void };
  VM: new (options: Record<string, unknown>) => OfficialVm;
}

const require = createRequire(import.meta.url);
// Resolved from the SDK's own file, so these are the module instances its signer uses.
const requireFromSdk = createRequire(require.resolve('jdcloud-sdk-js'));

/** The SDK's VM client calling `endpoint` (e.g. `http://127.0.0.1:39211`), with its logging off. */
export function officialVmClient(endpoint: string, credentials: { accessKeyId: string; secretAccessKey: string }, regionId = 'cn-north-1'): OfficialVm {
  const sdk = require('jdcloud-sdk-js') as OfficialSdk;
  // The SDK logs every request with console.log by default.
  sdk.config.logger = () => {};
  const url = new URL(endpoint);
  return new sdk.VM({ credentials, regionId, endpoint: { protocol: url.protocol.slice(0, -1), host: url.host }, logger: () => {} });
}

/**
 * Makes the SDK's signer (src/lib/signers/v2.js) date its requests `date` and use `nonce` as
 * x-jdcloud-nonce, until the returned function puts its clock and UUID source back.
 */
export function pinOfficialSigner(date: Date, nonce: string): () => void {
  const util = requireFromSdk('./lib/util') as { date: { getDate(): Date } };
  const uuid = requireFromSdk('uuid') as { v4(): string };
  const { getDate } = util.date;
  const { v4 } = uuid;
  util.date.getDate = () => new Date(date);
  uuid.v4 = () => nonce;
  return () => {
    util.date.getDate = getDate;
    uuid.v4 = v4;
  };
}
