// Everything known about a packed upload before a byte of it is unpacked, from what the
// pipeline's plan step read (the object's facts and its inspected first bytes): whether it is
// packed as named, the sibling's name, the OS fields it would be imported with, a zip's member
// list, and whether unpacking fits the function's time.
import type { Config } from '../config/index.js';
import { resolveOsFields } from '../../domain/import-request/index.js';
import type { ObjectFacts, UnpackStore } from '../../adapters/oss/index.js';
import type { Logger, Problem } from '../../kernel/index.js';
import {
  checkPackingMagic,
  compressedSiblingKey,
  estimateUnpack,
  type Packing,
  unpackBudgetSeconds,
  type UnpackEstimate,
  unpackTimeProblem,
  type ZipEntry,
} from '../../domain/unpacking/index.js';
import { chooseZipDisk, readZipMembers } from './zip-member.js';
import { UnpackRejection } from './unpack-rejection.js';
import type { PackedSource } from './packed-source.js';

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
  /** What the inspector found in the packed bytes (zstd's frame header gives the unpacked size). */
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
  const problems: Problem[] = [];
  const magic = checkPackingMagic(facts.key, packing, facts.bytes.head);
  if (magic !== undefined) problems.push(magic);
  let compressedSibling: string | undefined;
  if (packing.archive === undefined) {
    const sibling = compressedSiblingKey(facts.key, packing);
    if (sibling.ok) compressedSibling = sibling.key;
    else problems.push(sibling.problem);
  }
  // An OVA may name its OS in its descriptor: a missing platform is decided once that is read.
  const os = resolveOsFields(facts.tags, facts.metadata, config.defaults);
  problems.push(...os.problems.filter((problem) => !(packing.archive === 'ova' && problem.code === 'missing-platform')));

  const packedSource = deps.store.objectBytes(source);
  let zipDisk: ZipEntry | undefined;
  if (problems.length === 0 && packing.archive === 'zip') {
    try {
      const job = { source: packedSource, key: facts.key, packing, maxBytes: config.unpackMaxBytes };
      zipDisk = chooseZipDisk(job, await readZipMembers(job));
    } catch (error) {
      if (!(error instanceof UnpackRejection)) throw error;
      problems.push(...error.problems);
    }
  }
  // zstd writes the unpacked size in its frame header; the inspector reads it.
  const zstdSize = packing.codec === 'zstd' && packing.archive === undefined ? object.image.details['uncompressedSizeBytes'] : undefined;
  const knownSize = zipDisk?.uncompressedSize ?? (typeof zstdSize === 'number' ? zstdSize : undefined);
  // A deflated zip member decodes at gzip's rate.
  const estimate = estimateUnpack(zipDisk?.method === 8 ? { ...packing, codec: 'gzip' } : packing, facts.size, knownSize);
  const budgetSeconds = deps.unpackTimeLimitSeconds === undefined ? undefined : unpackBudgetSeconds(deps.unpackTimeLimitSeconds);
  if (budgetSeconds !== undefined && problems.length === 0) {
    const slow = unpackTimeProblem({ bucket: source.bucket, key: facts.key }, packing, estimate, budgetSeconds);
    if (slow !== undefined) problems.push(slow);
  }
  return {
    ...object,
    problems,
    ...(compressedSibling !== undefined ? { compressedSibling } : {}),
    ...(zipDisk !== undefined ? { zipDisk } : {}),
    packedSource,
    estimate,
    ...(budgetSeconds !== undefined ? { budgetSeconds } : {}),
  };
}
