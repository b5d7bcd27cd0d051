import { imageNameDisallowedRun, imageNameRule, isValidImageName } from '../jdcloud-rules/index.js';

/**
 * Derives a valid image name from an object key: the file name without its extensions,
 * every disallowed character turned into `-`, runs folded, cut to JD's 32 characters.
 * `uploads/Ubuntu 22.04+LTS 测试.qcow2` → `Ubuntu-22-04-LTS-测试`.
 */
export function imageNameFromKey(key: string): string {
  const fileName = key.split('/').filter((segment) => segment !== '').pop() ?? '';
  const stem = fileName.replace(/\.[A-Za-z0-9]{1,6}$/, '');
  const cleaned = stem
    .replace(imageNameDisallowedRun, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[-_]+|[-_]+$/g, '');
  const name = [...cleaned].slice(0, imageNameRule.maxCharacters).join('').replace(/[-_]+$/, '');
  return isValidImageName(name) ? name : 'imported-image';
}
