// `plan` and `inspect` of a packed upload: unpack only as far as the image's first 64 KiB (and
// a zip's directory), into memory, writing nothing; then say what the import would be.
import { headBytes, type ImageFacts, inspectImage, tailBytes } from '../../domain/image/index.js';
import { maxImportBytes } from '../../domain/jdcloud-rules/index.js';
import { checkUnpackedHead, looksLikeText } from '../../domain/unpacking/index.js';
import type { Problem } from '../../kernel/index.js';
import type { FoundImage, OpenSink, UnpackSink } from './image-sink.js';
import { type PreparedUnpack } from './prepare-unpack.js';
import { UnpackRejection, UnpackSignal } from './unpack-rejection.js';
import { unpackStream, type StreamJob } from './unpack-stream.js';
import { unpackZip, type ZipJob } from './zip-member.js';

class PreviewDone extends UnpackSignal {}

/** Keeps the first 64 KiB and stops the stream there. */
class PreviewSink implements UnpackSink {
  head: Uint8Array = new Uint8Array(0);
  bytesWritten = 0;

  async write(chunk: Uint8Array): Promise<void> {
    this.bytesWritten += chunk.length;
    this.head = Buffer.concat([this.head, chunk.subarray(0, headBytes - this.head.length)]);
    if (this.head.length >= headBytes) throw new PreviewDone();
  }

  async finish(): Promise<{ etag: string; size: number; facts: ImageFacts }> {
    throw new PreviewDone();
  }

  async abort(): Promise<void> {}
}

export interface Preview {
  siblingKey: string;
  found: FoundImage;
  /** The image's first bytes (all of it when it is shorter than 64 KiB). */
  head: Uint8Array;
  /** True when `head` is the whole image. */
  complete: boolean;
}

/** What a preview needs: the packed bytes and what was learnt of them before (PreparedUnpack has it). */
export type Previewable = Pick<PreparedUnpack, 'packing' | 'packedSource' | 'compressedSibling' | 'zipDisk'> & { key: string };

/** Unpacks the first bytes of a packed file (one without problems so far); rejections come back as problems. */
export async function previewUnpack(prepared: Previewable, maxBytes: number, onOvf?: StreamJob['onOvf']): Promise<Preview | { problems: Problem[] }> {
  let opened: { siblingKey: string; found: FoundImage; sink: PreviewSink } | undefined;
  const openSink: OpenSink = async (siblingKey, found) => {
    opened = { siblingKey, found, sink: new PreviewSink() };
    return opened.sink;
  };
  const job = { source: prepared.packedSource, key: prepared.key, packing: prepared.packing, openSink };
  let complete = false;
  try {
    if (prepared.zipDisk !== undefined) await unpackZip({ ...job, maxBytes } satisfies ZipJob, prepared.zipDisk);
    else await unpackStream({ ...job, ...(onOvf !== undefined ? { onOvf } : {}) }, prepared.compressedSibling);
  } catch (error) {
    if (error instanceof UnpackRejection) return { problems: error.problems };
    if (!(error instanceof PreviewDone)) throw error;
    complete = opened !== undefined && opened.sink.head.length < headBytes;
  }
  if (opened === undefined) return { problems: [] };
  return { siblingKey: opened.siblingKey, found: opened.found, head: opened.sink.head, complete };
}

/** What the preview's bytes show, and what of it can be shown before the image is unpacked. */
export interface PreviewFacts {
  /** The inspector's facts (for a decision); the size stands in for an unknown one. */
  facts: ImageFacts;
  /** The unpacked size, when the container said it or the image is all in the head. */
  size?: number;
  shown: Pick<ImageFacts, 'format' | 'virtualSizeBytes' | 'details'>;
}

export function previewFacts(preview: Preview): PreviewFacts {
  const size = preview.complete ? preview.head.length : preview.found.size;
  if (preview.complete) {
    const facts = inspectImage({ head: preview.head, tail: preview.head.subarray(-tailBytes), size: preview.head.length });
    return { facts, size: preview.head.length, shown: { format: facts.format, virtualSizeBytes: facts.virtualSizeBytes, details: facts.details } };
  }
  // Until the end is read, the largest size JD accepts stands in: no size rule fires on it.
  const facts = inspectImage({ head: preview.head, tail: new Uint8Array(0), size: size ?? Math.max(preview.head.length, maxImportBytes) });
  const rawSizeUnknown = facts.format === 'raw' && size === undefined;
  const shown = rawSizeUnknown
    ? { format: facts.format, virtualSizeBytes: null, details: { ...facts.details, summary: 'raw; its size is known once unpacked' } }
    : { format: facts.format, virtualSizeBytes: facts.virtualSizeBytes, details: facts.details };
  return { facts, ...(size !== undefined ? { size } : {}), shown };
}

/**
 * The problems the preview's first bytes prove, or undefined when the whole image is there (and
 * it is not text): then the whole image's check applies (checkImageAgainstKey, or the import
 * decision, which makes it too). Its end (a fixed VHD footer, a raw size) waits for the unpack.
 */
export function headOnlyProblems(preview: Preview): Problem[] | undefined {
  if (preview.complete && !looksLikeText(preview.head)) return undefined;
  return checkUnpackedHead(preview.siblingKey, preview.head);
}
