// What `plan` says of a packed upload: what it would unpack, to which sibling, how long that
// would take, and the import request the sibling would get (or every reason it would not).
import { formatFromKey, type ImageFacts } from '../../domain/image/index.js';
import { type Decision, decideImportRequest } from '../../domain/import-request/index.js';
import { describePacking, type OvfDescriptor } from '../../domain/unpacking/index.js';
import type { Problem } from '../../kernel/index.js';
import { decoderName } from './decoders.js';
import { osProblemsWithOvf, ovfHints } from './open-sibling.js';
import { type PackedObject, prepareUnpack, type UnpackDeps } from './prepare-unpack.js';
import { headOnlyProblems, previewFacts, previewUnpack } from './preview-unpack.js';
import { UnpackRejection } from './unpack-rejection.js';

export interface PackedPlan {
  source: { region: string; bucket: string; key: string; etag: string; size: number };
  unpack: {
    packing: string;
    decoder?: string;
    to?: string;
    member?: string;
    /** When the container says it; otherwise known once unpacked. */
    unpackedSizeBytes?: number;
    estimatedSeconds: number;
    /** Only where a time limit applies (the deployed function). */
    fitsTimeLimit?: boolean;
    ovf?: Pick<OvfDescriptor, 'operatingSystem' | 'platform'>;
  };
  image?: Pick<ImageFacts, 'format' | 'virtualSizeBytes' | 'details'>;
  /** The import the sibling would get, when it can be decided before unpacking. */
  decision?: Extract<Decision, { ok: true }>;
  problems: Problem[];
  /** What only unpacking can tell (a raw image's size, a fixed VHD's footer). */
  notes: string[];
}

export async function planPackedUpload(object: PackedObject, deps: UnpackDeps): Promise<PackedPlan> {
  const prepared = await prepareUnpack(object, deps);
  const { facts, source, packing, estimate } = prepared;
  const unpack: PackedPlan['unpack'] = {
    packing: describePacking(packing),
    ...(packing.codec !== undefined ? { decoder: decoderName(packing.codec) } : {}),
    ...(prepared.compressedSibling !== undefined ? { to: prepared.compressedSibling } : {}),
    // A tar's size is not its disk's: the tar header says that (below).
    ...(estimate.unpackedBytesKnown && (packing.archive === undefined || packing.archive === 'zip') ? { unpackedSizeBytes: estimate.unpackedBytes } : {}),
    estimatedSeconds: estimate.seconds,
    ...(prepared.budgetSeconds !== undefined ? { fitsTimeLimit: estimate.seconds <= prepared.budgetSeconds } : {}),
  };
  const plan: PackedPlan = { source, unpack, problems: [...prepared.problems], notes: [] };
  if (plan.problems.length > 0) return plan;

  let ovf: OvfDescriptor | undefined;
  const preview = await previewUnpack({ ...prepared, key: source.key }, deps.config.unpackMaxBytes, (descriptor) => {
    ovf = descriptor;
    const problems = osProblemsWithOvf(facts, deps.config.defaults, descriptor);
    if (problems.length > 0) throw new UnpackRejection(problems);
  });
  if (ovf !== undefined) unpack.ovf = { ...(ovf.operatingSystem !== undefined ? { operatingSystem: ovf.operatingSystem } : {}), ...(ovf.platform !== undefined ? { platform: ovf.platform } : {}) };
  if ('problems' in preview) {
    plan.problems.push(...preview.problems);
    return plan;
  }
  unpack.to = preview.siblingKey;
  if (preview.found.member !== undefined) unpack.member = preview.found.member;
  const { facts: image, size, shown } = previewFacts(preview);
  if (size !== undefined) unpack.unpackedSizeBytes = size;
  const headProblems = headOnlyProblems(preview) ?? [];
  plan.image = shown;
  const claimed = formatFromKey(preview.siblingKey);
  // A fixed VHD's footer is in its last 512 bytes; a raw image's size is known once unpacked.
  const footerPending = !preview.complete && claimed.ok && claimed.format === 'vhd' && image.format === 'raw';
  if (footerPending) plan.notes.push("The VHD's footer (its last 512 bytes) is checked once unpacked.");
  if (headProblems.length > 0 || footerPending || plan.image.virtualSizeBytes === null) {
    plan.problems.push(...headProblems);
    if (headProblems.length === 0) plan.notes.push('The unpacked size, and so systemDiskSizeGB, is known once unpacked.');
    return plan;
  }
  const decision = decideImportRequest({
    // The packed size stands in for an unknown unpacked size: it only has to be non-zero here.
    source: { ...source, key: preview.siblingKey, size: size ?? source.size },
    metadata: facts.metadata,
    tags: facts.tags,
    defaults: deps.config.defaults,
    hints: ovfHints(ovf),
    // The head's own problems were checked above (headOnlyProblems); the name is checked again here.
    image: preview.complete ? image : { ...image, problems: [] },
  });
  if (decision.ok) {
    plan.decision = decision;
    plan.notes.push("The clientToken shown is the packed upload's: the import's is derived from the sibling's ETag once it is written.");
  }
  else plan.problems.push(...decision.problems);
  return plan;
}
