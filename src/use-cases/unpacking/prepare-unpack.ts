// Everything known about a packed upload before a byte of it is unpacked, from what the
// pipeline's plan step read (the object's facts and its inspected first and last bytes): whether
// it is packed as named, the sibling's name, the OS fields it would be imported with, a zip's
// member list, the unpacked size where the container says it, and whether unpacking fits the
// function's time.
import type { Config } from '../config/index.js';
import { resolveOsFields } from '../../domain/import-request/index.js';
import type { ObjectFacts, UnpackStore } from '../../adapters/oss/index.js';
import type { Logger, Problem } from '../../kernel/index.js';
import { estimateUnpack, type Packing, unpackBudgetSeconds, type UnpackEstimate, unpackTimeProblem, type ZipEntry } from '../../domain/unpacking/index.js';
import { checkPacked } from './check-packed.js';
import type { PackedSource } from './packed-source.js';
import { readUnpackedSizeHint } from './unpacked-size.js';

/** What unpacking needs of the pipeline's dependencies (PipelineDeps has all of it). */
export interface UnpackDeps {
  /** The bucket, as unpacking uses it (adapters/oss unpackStoreFor). */
  store: UnpackStore;
  config: Pick<Config, 'statusPrefix' | 'defaults' | 'unpackMaxBytes' | 'region'>;
  now: () => Date;
  logger: Logger;
  /** The function's timeout: unpacking must end well before it. None for the CLI and `serve`. */
  unpackTimeLimitSeconds?: number;
}

/** A packed upload as the pipeline's plan step read it. */
export interface PackedObject {
  facts: ObjectFacts;
  source: { region: string; bucket: string; key: string; etag: string; size: number };
  /** What the inspector found in the packed bytes (zstd's first frame header and gzip's ISIZE bound the unpacked size). */
  image: { details: Record<string, unknown> };
  packing: Packing;
}

export interface PreparedUnpack extends PackedObject {
  /** Reasons found before unpacking; none means go on. */
  problems: Problem[];
  /** A compressed (not archived) upload's sibling. */
  compressedSibling?: string;
  zipDisk?: ZipEntry;
  /** The object's bytes, pinned to the version whose facts were read. */
  packedSource: PackedSource;
  estimate: UnpackEstimate;
  /** Seconds the function allows for unpacking; absent without a time limit. */
  budgetSeconds?: number;
}

export async function prepareUnpack(object: PackedObject, deps: UnpackDeps): Promise<PreparedUnpack> {
  const { config } = deps;
  const { facts, source, packing } = object;
  // An OVA may name its OS in its descriptor: a missing platform is decided once that is read.
  const os = resolveOsFields(facts.tags, facts.metadata, config.defaults);
  const osProblems = os.problems.filter((problem) => !(packing.archive === 'ova' && problem.code === 'missing-platform'));
  const packedSource = deps.store.objectBytes(source);
  const checked = await checkPacked({ source: packedSource, key: facts.key, packing, maxBytes: config.unpackMaxBytes }, facts.bytes.head, osProblems);
  const { problems, zipDisk } = checked;
  const sizeHint = problems.length === 0 ? await readUnpackedSizeHint(object, packedSource, zipDisk) : undefined;
  // A deflated zip member decodes at gzip's rate.
  const estimate = estimateUnpack(zipDisk?.method === 8 ? { ...packing, codec: 'gzip' } : packing, facts.size, sizeHint);
  const budgetSeconds = deps.unpackTimeLimitSeconds === undefined ? undefined : unpackBudgetSeconds(deps.unpackTimeLimitSeconds);
  if (budgetSeconds !== undefined && problems.length === 0) {
    const slow = unpackTimeProblem({ bucket: source.bucket, key: facts.key }, packing, estimate, budgetSeconds);
    if (slow !== undefined) problems.push(slow);
  }
  return { ...object, ...checked, problems, packedSource, estimate, ...(budgetSeconds !== undefined ? { budgetSeconds } : {}) };
}
