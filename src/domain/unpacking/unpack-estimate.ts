// Will unpacking finish inside the function's time? fc stops a function at its timeout
// (at most 900 s, src/domain/jdcloud-rules fcLimits), leaving a multipart upload in progress.
// Rates are MB/s of unpacked output, end to end (GET → decode → multipart upload): the lower
// of the local OSS and RGW figures of `npm run bench -- unpack` on a shared 2-core machine,
// rounded down (zstd: fzstd, the slower of its two decoders). fc's CPU share may be smaller,
// hence the safety factor; a deadline stops an unpack that runs long anyway (ImageSink).
import type { Problem } from '../../kernel/index.js';
import { describeByteSize } from '../image/index.js';
import { describePacking, type Packing } from './packing.js';

/** Output MB/s per decoder (`store`: a tar or a stored zip member; a deflated zip member counts as gzip). */
export const unpackRates = { gzip: 60, zstd: 45, xz: 24, bzip2: 5, store: 50 } as const;
/** A compressed size times this is the unpacked size we assume when the container does not say. */
export const assumedCompressionRatio = 3;
const safetyFactor = 1.5;
/** What the function needs besides unpacking: reads, the import call with its retries, records. */
export const importMarginSeconds = 60;

export interface UnpackEstimate {
  seconds: number;
  unpackedBytes: number;
  /** Whether `unpackedBytes` came from the container (zip directory, xz index, …) or is assumed. */
  unpackedBytesKnown: boolean;
  rateMBps: number;
}

export function estimateUnpack(packing: Pick<Packing, 'codec' | 'archive'>, packedBytes: number, knownUnpackedBytes?: number): UnpackEstimate {
  const rateMBps = packing.codec === undefined ? unpackRates.store : unpackRates[packing.codec];
  const unpackedBytes = knownUnpackedBytes ?? (packing.codec === undefined ? packedBytes : packedBytes * assumedCompressionRatio);
  return { seconds: Math.ceil(((unpackedBytes / 1e6) * safetyFactor) / rateMBps), unpackedBytes, unpackedBytesKnown: knownUnpackedBytes !== undefined, rateMBps };
}

/** The seconds unpacking may take in a function that stops after `timeoutSeconds`. */
export function unpackBudgetSeconds(timeoutSeconds: number): number {
  return Math.max(0, timeoutSeconds - importMarginSeconds);
}

/** The refusal when the estimate does not fit; it names the commands without a time limit. */
export function unpackTimeProblem(location: { bucket: string; key: string }, packing: Packing, estimate: UnpackEstimate, budgetSeconds: number): Problem | undefined {
  if (estimate.seconds <= budgetSeconds) return undefined;
  const unpacked = `${estimate.unpackedBytesKnown ? '' : 'about '}${describeByteSize(estimate.unpackedBytes)} unpacked${estimate.unpackedBytesKnown ? '' : ` (assumed ${assumedCompressionRatio}× the compressed size)`}`;
  return unpackTimeoutProblem(
    location,
    `Unpacking this ${describePacking(packing)} (${unpacked}) would take about ${estimate.seconds} s at ${estimate.rateMBps} MB/s, more than the ${budgetSeconds} s the function has for it`,
  );
}

/** Too slow for the function: said before starting (estimate) or when the deadline passes. */
export function unpackTimeoutProblem(location: { bucket: string; key: string }, reason: string): Problem {
  const uri = `s3://${location.bucket}/${location.key}`;
  return {
    code: 'unpack-too-slow-for-function',
    field: 'content',
    value: uri,
    message: `${reason} (fc stops a function after at most 900 s). Unpack and import it with the CLI, which has no time limit: oss-image-import import ${uri} — or run oss-image-import serve next to the bucket. Or upload the image uncompressed.`,
  };
}

/** Past IMAGE_UNPACK_MAX_BYTES: a likely decompression bomb. */
export function unpackTooLargeProblem(key: string, limitBytes: number): Problem {
  return {
    code: 'unpack-too-large',
    field: 'content',
    value: String(limitBytes),
    message: `Unpacking ${JSON.stringify(key)} gives more than ${describeByteSize(limitBytes)} (IMAGE_UNPACK_MAX_BYTES; JD Cloud imports images up to 500 GiB): a likely decompression bomb. Nothing was kept. Upload a smaller image, or raise IMAGE_UNPACK_MAX_BYTES if the image is genuine.`,
  };
}
