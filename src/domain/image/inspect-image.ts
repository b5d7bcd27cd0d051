import { maxImportBytes } from '../jdcloud-rules/index.js';
import type { Problem } from '../../kernel/index.js';
import { describeByteSize } from './byte-size-text.js';
import { contentProblem, type FormatMatch } from './format-match.js';
import type { ImageFacts } from './image-facts.js';
import { imageBytesOf, type ImageBytes } from './image-bytes.js';
import { fileArgument, outputArgument } from './fix-commands.js';
import { probe7z, probeBzip2, probeGzip, probeLz4, probeTar, probeXz, probeZip, probeZstd } from './probes/containers.js';
import { probeIso } from './probes/iso.js';
import { probeLuks, probeQed, probeVdi } from './probes/other-formats.js';
import { probeQcow2 } from './probes/qcow2.js';
import { rawImage } from './probes/raw.js';
import { probeText } from './probes/text.js';
import { probeVhd } from './probes/vhd.js';
import { probeVhdx } from './probes/vhdx.js';
import { probeVmdkCowd, probeVmdkDescriptor, probeVmdkSparse } from './probes/vmdk.js';

export interface ImageBytesRead {
  /** The first bytes of the object (see `imageByteRanges`). */
  head: Uint8Array;
  /** The last bytes of the object; may be empty when `head` is the whole object. */
  tail: Uint8Array;
  /** Size of the whole object in bytes. */
  size: number;
  /** The object's key (or the file's path): the commands problems suggest name it. */
  name?: string;
}


const probes: ReadonlyArray<(bytes: ImageBytes) => FormatMatch | undefined> = [
  probeQcow2,
  probeVhd,
  probeVhdx,
  probeVmdkSparse,
  probeVmdkCowd,
  probeVmdkDescriptor,
  probeQed,
  probeVdi,
  probeLuks,
  probeIso,
  probeGzip,
  probeXz,
  probeZstd,
  probeBzip2,
  probeLz4,
  probe7z,
  probeZip,
  probeTar,
];

/**
 * Decides what an object is from its head and tail bytes: format, virtual size, details,
 * and every problem that blocks its import. Pure, and never throws: arbitrary bytes give a
 * result (at worst "raw").
 */
export function inspectImage(input: ImageBytesRead): ImageFacts {
  try {
    return inspect(input);
  } catch (error) {
    // A bug in a probe must not take the pipeline down; it surfaces as a rejection instead.
    return unknown(
      contentProblem(
        'inspection-failed',
        `The image could not be inspected (${error instanceof Error ? error.message : String(error)}); this is a bug in oss-image-import. Please report it with the first 64 KiB of the file.`,
      ),
    );
  }
}

function inspect({ head, tail, size, name }: ImageBytesRead): ImageFacts {
  if (!Number.isSafeInteger(size) || size < 0 || head.length > size || tail.length > size) {
    return unknown(
      contentProblem(
        'image-bytes-inconsistent',
        `The bytes handed to the inspector do not fit the object size ${size} (head ${head.length} bytes, tail ${tail.length} bytes); read them again.`,
        String(size),
      ),
    );
  }
  if (size === 0) {
    return unknown(contentProblem('image-empty', 'The object is empty (0 bytes). Upload the disk image itself.', '0'));
  }
  const bytes = imageBytesOf(head, tail, size, name);
  const found = probes.map((probe) => probe(bytes)).filter((match): match is FormatMatch => match !== undefined);
  const strong = found.filter((match) => match.weak !== true);
  const matches = strong.length > 0 ? strong : found;
  const facts = matches.length === 0 ? (probeText(bytes) ?? rawImage(bytes)) : matches.length === 1 ? (matches[0] as FormatMatch) : ambiguous(matches, name);
  const ignored = found.filter((match) => !matches.includes(match));
  if (ignored.length > 0) {
    facts.details.warnings.push(
      ...ignored.map((match) => `A ${match.format} signature was found but does not describe this object (${match.details.summary}); it was ignored.`),
    );
  }

  const problems = [...facts.problems];
  if (size > maxImportBytes) {
    problems.push(
      contentProblem(
        'image-too-large',
        `The object is ${describeByteSize(size)}; JD Cloud imports image files up to 500 GiB. Shrink the disk, or convert it to qcow2, which stores only used space: qemu-img convert -O qcow2 ${fileArgument(name)} ${outputArgument(name, 'qcow2')}`,
        String(size),
      ),
    );
  }
  return { format: facts.format, virtualSizeBytes: facts.virtualSizeBytes, details: facts.details, problems };
}

/** More than one format matched: "if someone hid one format inside another, reject it". */
function ambiguous(matches: FormatMatch[], name: string | undefined): FormatMatch {
  const formats = matches.map((match) => match.format);
  return {
    format: 'ambiguous',
    virtualSizeBytes: null,
    details: {
      summary: `matches several formats: ${formats.join(', ')}`,
      warnings: matches.flatMap((match) => match.details.warnings),
      matches: matches.map((match) => ({ format: match.format, virtualSizeBytes: match.virtualSizeBytes, details: match.details })),
    },
    problems: [
      contentProblem(
        'multiple-formats',
        `The content matches more than one format (${formats.join(' and ')}), for example one image hidden inside another. Such a file is unsafe to import; re-create it with a single format: qemu-img convert -f <the intended format> -O qcow2 ${fileArgument(name)} ${outputArgument(name, 'qcow2')}`,
        formats.join(','),
      ),
      ...matches.flatMap((match) => match.problems),
    ],
  };
}

function unknown(problem: Problem): ImageFacts {
  return { format: 'unknown', virtualSizeBytes: null, details: { summary: 'not inspected', warnings: [] }, problems: [problem] };
}
