import type { MultipartWriter } from './multipart-writer.js';
import { describeByteSize, headBytes, type ImageFacts, inspectImage, tailBytes } from '../../domain/image/index.js';
import type { Problem } from '../../kernel/index.js';
import { checkUnpackedHead, type OvfDescriptor, unpackTimeoutProblem, unpackTooLargeProblem } from '../../domain/unpacking/index.js';
import { UnpackRejection } from './unpack-rejection.js';

/** Where unpacked bytes go: the sibling's multipart upload, or `plan`'s look at the first bytes. */
export interface UnpackSink {
  write(chunk: Uint8Array): Promise<void>;
  finish(): Promise<{ etag: string; size: number; facts: ImageFacts }>;
  abort(): Promise<void>;
  readonly bytesWritten: number;
}

/** What the archive said about the image before its first byte: its member name, size, OVF descriptor. */
export interface FoundImage {
  member?: string;
  /** When the container says it (tar header, zip directory, zstd frame header). */
  size?: number;
  ovf?: OvfDescriptor;
}

/** Opens the sink once the sibling's name is known. */
export type OpenSink = (siblingKey: string, found: FoundImage) => Promise<UnpackSink>;

/** When unpacking gives up, in ms on the pipeline's clock `now`. */
export interface SinkDeadline {
  atMs: number;
  now: () => Date;
}

/** What the record says when unpacking ran out of the function's time, `bytes` into the image. */
export function outOfTimeRejection(packed: { bucket: string; key: string }, bytes: number): UnpackRejection {
  return new UnpackRejection([unpackTimeoutProblem(packed, `Unpacking ran out of the function's time after ${describeByteSize(bytes)} of the image`)]);
}

export interface ImageSinkOptions {
  /** The sibling's multipart upload. */
  writer: MultipartWriter;
  bucket: string;
  /** The packed upload: named in messages. */
  packedKey: string;
  siblingKey: string;
  maxBytes: number;
  /** When unpacking gives up (the function's time), on the pipeline's clock; none for the CLI and serve. */
  deadline?: SinkDeadline;
  /** The last word before the upload is completed: every problem the whole image shows. */
  finalCheck: (facts: ImageFacts, size: number) => Problem[];
}

/**
 * Where unpacked bytes go: the first 64 KiB are checked before anything is uploaded (so a text
 * file stops after its first chunk), then parts stream into a multipart upload of the sibling.
 * It keeps the head and the last 1536 bytes, so the finished image is inspected as the
 * pipeline would inspect it before the upload is completed: a rejected image leaves nothing.
 */
export class ImageSink implements UnpackSink {
  private head: Uint8Array = new Uint8Array(0);
  private tail: Uint8Array = new Uint8Array(0);
  private headChecked = false;
  private size = 0;
  private readonly writer: MultipartWriter;

  constructor(private readonly options: ImageSinkOptions) {
    this.writer = options.writer;
  }

  get bytesWritten(): number {
    return this.size;
  }

  async write(chunk: Uint8Array): Promise<void> {
    this.size += chunk.length;
    if (this.size > this.options.maxBytes) throw new UnpackRejection([unpackTooLargeProblem(this.options.packedKey, this.options.maxBytes)]);
    // While bytes flow; a stall is the deadline timer's (unpack-to-sibling.ts).
    if (this.options.deadline !== undefined && this.options.deadline.now().getTime() > this.options.deadline.atMs) {
      throw outOfTimeRejection({ bucket: this.options.bucket, key: this.options.packedKey }, this.size);
    }
    this.keepTail(chunk);
    if (!this.headChecked) {
      const wanted = headBytes - this.head.length;
      this.head = concat(this.head, chunk.subarray(0, wanted));
      if (this.head.length < headBytes) return;
      this.checkHead();
      await this.writer.write(this.head);
      if (chunk.length > wanted) await this.writer.write(chunk.subarray(wanted));
      return;
    }
    await this.writer.write(chunk);
  }

  /** Inspects the whole image; completes the upload when it may be imported, else throws UnpackRejection. */
  async finish(): Promise<{ etag: string; size: number; facts: ImageFacts }> {
    if (!this.headChecked) {
      this.checkHead();
      await this.writer.write(this.head);
    }
    const tail = this.size > headBytes ? this.tail : new Uint8Array(0);
    const facts = inspectImage({ head: this.head, tail, size: this.size });
    const problems = this.options.finalCheck(facts, this.size);
    if (problems.length > 0) throw new UnpackRejection(problems);
    const done = await this.writer.complete();
    return { ...done, facts };
  }

  /** Leaves nothing behind: aborts the multipart upload if one was started. */
  abort(): Promise<void> {
    return this.writer.abort();
  }

  private checkHead(): void {
    this.headChecked = true;
    const problems = checkUnpackedHead(this.options.siblingKey, this.head);
    if (problems.length > 0) throw new UnpackRejection(problems);
  }

  private keepTail(chunk: Uint8Array): void {
    this.tail = chunk.length >= tailBytes ? chunk.slice(chunk.length - tailBytes) : concat(this.tail, chunk).slice(-tailBytes);
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b.slice();
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
