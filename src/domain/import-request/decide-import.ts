import { type DiskFormat, maxDescriptionCharacters } from '../jdcloud-rules/index.js';
import type { Problem } from '../../kernel/index.js';
import { clientTokenFor } from './client-token.js';
import { type FollowThrough, followThroughFields } from './follow-through-fields.js';
import { imageNameFromKey } from './image-name.js';
import { resolveOsFields, type FieldSource, type OsFields } from './os-fields.js';
import {
  checkImageAgainstKey,
  checkSystemDiskSizeCoversImage,
  formatFromKey,
  systemDiskSizeFromVirtualSize,
  type ImageFacts,
  virtualSizeUnknownProblem,
} from '../image/index.js';

/** The importImage body before the presigned imageUrl is added. */
export interface ImportRequestDraft {
  architecture: OsFields['architecture'];
  osType: OsFields['osType'];
  platform: OsFields['platform'];
  diskFormat: DiskFormat;
  systemDiskSizeGB: number;
  imageName: string;
  osVersion?: string;
  description?: string;
  forceImport?: boolean;
  clientToken: string;
}

export interface DecisionInput {
  source: { region: string; bucket: string; key: string; etag: string; size: number };
  metadata: Record<string, string>;
  tags: Record<string, string>;
  /** Configured defaults (lowest precedence), by metadata name. */
  defaults: Record<string, string>;
  /** An OVA's OS hint (above defaults, below metadata), by metadata name. */
  hints?: Record<string, string>;
  image: ImageFacts;
  /** Set to re-import on purpose: a new clientToken, so JD makes a new image. */
  tokenSalt?: string;
}

export type Decision =
  | { ok: true; request: ImportRequestDraft; sources: Partial<Record<keyof ImportRequestDraft, FieldSource>>; followThrough: FollowThrough }
  | { ok: false; problems: Problem[] };

/**
 * Decides what to send for one object, or every reason not to. Pure: bytes, metadata and tags
 * in, a request draft or problems out.
 */
export function decideImportRequest(input: DecisionInput): Decision {
  const { source, image } = input;
  const problems: Problem[] = [];

  if (source.size === 0) {
    problems.push({
      code: 'empty-object',
      field: 'content',
      value: '0 bytes',
      message: `s3://${source.bucket}/${source.key} is empty (0 bytes): upload the disk image again.`,
    });
  }
  const imageCheck = checkImageAgainstKey(source.key, image);
  if (source.size > 0) problems.push(...imageCheck.problems);
  else {
    // Nothing to inspect, but the name can still be wrong.
    const fromKey = formatFromKey(source.key);
    if (!fromKey.ok) problems.push(fromKey.problem);
  }

  const os = resolveOsFields(input.tags, input.metadata, input.defaults, input.hints);
  problems.push(...os.problems);
  // Copies and shares happen after the import, but bad values are refused before it, like any field.
  const after = followThroughFields(input.tags, input.metadata, input.defaults, source.region);
  problems.push(...after.problems);
  const sources: Partial<Record<keyof ImportRequestDraft, FieldSource>> = { ...os.sources };

  let systemDiskSizeGB = os.fields.systemDiskSizeGB;
  const virtualSize = source.size > 0 ? (image.virtualSizeBytes ?? undefined) : undefined;
  // What `inspect` calls unknown is never imported, even with a size given: the size could not
  // be checked against the image. A content problem already says why the size is missing.
  if (source.size > 0 && virtualSize === undefined && !problems.some((problem) => problem.field === 'content')) {
    problems.push(virtualSizeUnknownProblem(image.format, source.key));
  }
  const derived = virtualSize === undefined ? undefined : systemDiskSizeFromVirtualSize(virtualSize);
  const givenByUser = sources.systemDiskSizeGB === 'tag' || sources.systemDiskSizeGB === 'metadata';
  if (derived !== undefined && !derived.ok) {
    problems.push(derived.problem);
  } else if (derived !== undefined && virtualSize !== undefined) {
    if (systemDiskSizeGB === undefined || (!givenByUser && systemDiskSizeGB < derived.gb)) {
      // A configured default is a floor, never a reason to reject a bigger image.
      systemDiskSizeGB = derived.gb;
      sources.systemDiskSizeGB = 'derived';
    } else {
      const covers = checkSystemDiskSizeCoversImage(systemDiskSizeGB, virtualSize);
      if (!covers.ok) problems.push(covers.problem);
    }
  }

  if (problems.length > 0 || imageCheck.format === undefined || os.fields.architecture === undefined || os.fields.platform === undefined || os.fields.osType === undefined || systemDiskSizeGB === undefined) {
    if (problems.length === 0) {
      // Every path above that leaves a field unset also reports why; this guards the invariant.
      problems.push({ code: 'undecidable', field: 'content', message: 'The image could not be decided: its format or size is unknown.' });
    }
    return { ok: false, problems };
  }

  const imageName = os.fields.imageName ?? imageNameFromKey(source.key);
  if (os.fields.imageName === undefined) sources.imageName = 'derived';
  const description =
    os.fields.description ?? [...`Imported by oss-image-import from oss://${source.bucket}/${source.key}`].slice(0, maxDescriptionCharacters).join('');
  if (os.fields.description === undefined) sources.description = 'derived';

  return {
    ok: true,
    request: {
      architecture: os.fields.architecture,
      osType: os.fields.osType,
      platform: os.fields.platform,
      diskFormat: imageCheck.format,
      systemDiskSizeGB,
      imageName,
      ...(os.fields.osVersion !== undefined ? { osVersion: os.fields.osVersion } : {}),
      description,
      ...(os.fields.forceImport !== undefined ? { forceImport: os.fields.forceImport } : {}),
      clientToken: clientTokenFor(source, input.tokenSalt),
    },
    sources,
    followThrough: after.followThrough,
  };
}
