// Will unpacking finish inside the function's time? fc stops a function at its timeout
// (at most 900 s, src/domain/jdcloud-rules fcLimits), leaving a multipart upload in progress.
// The unpacked size is the container's when it records it (a zip directory, a one-stream xz
// index: xz-index.ts); zstd's first frame header and gzip's ISIZE trailer (modulo 4 GiB) give
// only a lower bound (docs/reference/disk-images.md, compressed formats). Otherwise it is assumed
// 3× the compressed size, which a sparse disk far exceeds: such an unpack may start and then
// stop at the deadline (ImageSink), with the same way out as a refusal here (unpackTimeoutProblem).
// Rates are MB/s of unpacked output, end to end (GET → decode → multipart upload): the lower
// of the local OSS and RGW figures of `npm run bench -- unpack` on a shared 2-core machine,
// rounded down (zstd: fzstd, the slower of its two decoders). fc's CPU share may be smaller,
// hence the safety factor.
import type { Problem } from '../../kernel/index.js';
import { describeByteSize } from '../image/index.js';
import { maxImportBytes } from '../jdcloud-rules/index.js';
import { describePacking, type Packing } from './packing.js';

/** Output MB/s per decoder (`store`: a tar or a stored zip member; a deflated zip member counts as gzip). */
export const unpackRates = { gzip: 60, zstd: 45, xz: 24, bzip2: 5, store: 50 } as const;
/** A compressed size times this is the unpacked size we assume when the container does not say. */
export const assumedCompressionRatio = 3;
/** Unpacking is assumed this much slower than measured (fc's CPU share). */
export const unpackSafetyFactor = 1.5;
/** What the function needs besides unpacking: reads, the import call with its retries, records. */
export const importMarginSeconds = 60;

/** What the container says of the unpacked size, and where it says it ("the xz index"). */
export interface UnpackedSizeHint {
  bytes: number;
  /** False for a lower bound: zstd's first frame (more may follow), gzip's ISIZE (modulo 4 GiB, last member only). */
  exact: boolean;
  from: string;
}

export interface UnpackEstimate {
  seconds: number;
  unpackedBytes: number;
  /** Whether `unpackedBytes` is the container's exact figure (zip directory, one-stream xz index). */
  unpackedBytesKnown: boolean;
  /** Where a figure the container gave came from, when it is the one used (exact, or a lower bound above the assumption). */
  unpackedBytesFrom?: string;
  rateMBps: number;
}

/** The time to unpack: from the container's size when exact, else the larger of its lower bound and the assumed ratio. */
export function estimateUnpack(packing: Pick<Packing, 'codec' | 'archive'>, packedBytes: number, hint?: UnpackedSizeHint): UnpackEstimate {
  const rateMBps = packing.codec === undefined ? unpackRates.store : unpackRates[packing.codec];
  const assumed = packing.codec === undefined ? packedBytes : packedBytes * assumedCompressionRatio;
  const fromHint = hint !== undefined && (hint.exact || hint.bytes > assumed);
  const unpackedBytes = fromHint ? hint.bytes : assumed;
  return {
    seconds: Math.ceil(((unpackedBytes / 1e6) * unpackSafetyFactor) / rateMBps),
    unpackedBytes,
    unpackedBytesKnown: hint?.exact === true,
    ...(fromHint ? { unpackedBytesFrom: hint.from } : {}),
    rateMBps,
  };
}

/** "12 GB (…) unpacked, from the xz index", "at least …, from …", "about … (assumed 3× the compressed size)". */
function describeUnpacked(estimate: UnpackEstimate): string {
  const size = describeByteSize(estimate.unpackedBytes);
  if (estimate.unpackedBytesFrom === undefined) return `about ${size} unpacked (assumed ${assumedCompressionRatio}× the compressed size)`;
  return `${estimate.unpackedBytesKnown ? '' : 'at least '}${size} unpacked, from ${estimate.unpackedBytesFrom}`;
}

/** The seconds unpacking may take in a function that stops after `timeoutSeconds`. */
export function unpackBudgetSeconds(timeoutSeconds: number): number {
  return Math.max(0, timeoutSeconds - importMarginSeconds);
}

/** The refusal when the estimate does not fit; it names the commands without a time limit. */
export function unpackTimeProblem(location: { bucket: string; key: string }, packing: Packing, estimate: UnpackEstimate, budgetSeconds: number): Problem | undefined {
  if (estimate.seconds <= budgetSeconds) return undefined;
  return unpackTimeoutProblem(
    location,
    `Unpacking this ${describePacking(packing)} (${describeUnpacked(estimate)}) would take about ${estimate.seconds} s at ${estimate.rateMBps} MB/s, more than the ${budgetSeconds} s the function has for it`,
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

/** Past IMAGE_UNPACK_MAX_BYTES: a likely decompression bomb (the setting can be raised only up to JD's import limit, its default). */
export function unpackTooLargeProblem(key: string, limitBytes: number): Problem {
  const wayOut =
    limitBytes < maxImportBytes
      ? `Upload a smaller image, or raise IMAGE_UNPACK_MAX_BYTES (at most ${describeByteSize(maxImportBytes)}) if the image is genuine.`
      : 'Upload a smaller image: JD Cloud imports nothing larger.';
  return {
    code: 'unpack-too-large',
    field: 'content',
    value: String(limitBytes),
    message: `Unpacking ${JSON.stringify(key)} gives more than ${describeByteSize(limitBytes)} (IMAGE_UNPACK_MAX_BYTES; JD Cloud imports images up to 500 GiB): a likely decompression bomb. Nothing was kept. ${wayOut}`,
  };
}
