import type { Problem } from '../../kernel/index.js';
import { isDiskFormat, type DiskFormat } from '../jdcloud-rules/index.js';
import { formatFromKey, unknownExtensionMessage } from './format-from-key.js';
import type { ImageFacts } from './image-facts.js';

const extensionFor: Record<DiskFormat, string> = { qcow2: '.qcow2', vhd: '.vhd', vmdk: '.vmdk', raw: '.raw' };

/**
 * The extension is the user's claim, the bytes are the truth: combines `formatFromKey` with
 * `inspectImage`'s facts. Returns the `diskFormat` to send when the two agree (for `.img`,
 * whatever the content is), and every problem: the key's, the content's, and any
 * contradiction between them.
 */
export function checkImageAgainstKey(key: string, facts: ImageFacts): { format?: DiskFormat; problems: Problem[] } {
  const claimed = formatFromKey(key);
  const problems: Problem[] = [];
  let format: DiskFormat | undefined;
  if (!claimed.ok) {
    // Text is no disk image: converting it with qemu-img is no way out.
    const noConvert = facts.format === 'text' && claimed.problem.code === 'unknown-extension';
    problems.push(noConvert ? { ...claimed.problem, message: unknownExtensionMessage(key, 'none') } : claimed.problem);
  } else if (claimed.decidedByContent) {
    if (isDiskFormat(facts.format)) format = facts.format;
  } else if (facts.format === claimed.format) {
    format = claimed.format;
  } else if (facts.format !== 'unknown' && facts.format !== 'ambiguous') {
    const extension = key.slice(key.lastIndexOf('.'));
    const advice = isDiskFormat(facts.format)
      ? `Rename it to end in ${extensionFor[facts.format]} if the content is what you meant to upload, or upload the right file.`
      : 'Upload a real image of the format the name claims (see the other problem for what to do with this file).';
    problems.push({
      code: 'format-mismatch',
      field: 'key',
      value: key,
      message: `The key ${JSON.stringify(key)} claims ${claimed.format} (extension "${extension}"), but the content is ${facts.format} (${facts.details.summary}). ${advice}`,
    });
  }
  problems.push(...facts.problems);
  return format === undefined ? { problems } : { format, problems };
}
