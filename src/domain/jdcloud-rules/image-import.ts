// JD Cloud's rules for importImage, defined once: the pipeline, the config, the API client's
// input schema, the plugin, the CLI and the VM emulator all read them from here.
// Sources: docs/reference/jdcloud-api.md §2.1 ("公共参数规范", common parameter rules) and §2.2
// (importImage). The platform list adds OpenEuler and Rocky Linux to the documented five
// (docs/architecture.md, metadata names).

/** `architecture`: the API also lists the legacy `i386`, which users may not set. */
export const architectures = ['x86_64', 'arm64', 'i386'] as const;
export const osTypes = ['linux', 'windows'] as const;
export const platforms = ['Ubuntu', 'CentOS', 'Windows Server', 'OpenEuler', 'Rocky Linux', 'Other Linux', 'Other Windows'] as const;
/** The `diskFormat` values importImage accepts. */
export const diskFormats = ['qcow2', 'vhd', 'vmdk', 'raw'] as const;

export type ApiArchitecture = (typeof architectures)[number];
export type OsType = (typeof osTypes)[number];
export type Platform = (typeof platforms)[number];
export type DiskFormat = (typeof diskFormats)[number];

export function isDiskFormat(format: string): format is DiskFormat {
  return (diskFormats as readonly string[]).includes(format);
}

/** `systemDiskSizeGB`: 40–500 GB in steps of 10 (the API answers 400 OUT_OF_RANGE otherwise). */
export const systemDiskSizeGb = { min: 40, max: 500, step: 10 } as const;
export const systemDiskSizeRule = `a whole number of GB from ${systemDiskSizeGb.min} to ${systemDiskSizeGb.max}, a multiple of ${systemDiskSizeGb.step}`;

/** Whether a number is a system disk size JD accepts. */
export function isSystemDiskSizeGb(value: number): boolean {
  return Number.isInteger(value) && value >= systemDiskSizeGb.min && value <= systemDiskSizeGb.max && value % systemDiskSizeGb.step === 0;
}

/** "The actual file size and the virtual size must both be ≤ 500 GB" (read as GiB, the conservative unit). */
export const maxImportBytes = systemDiskSizeGb.max * 2 ** 30;

/** `imageName`: 1–32 characters, only Chinese characters, letters, digits, `_` and `-`. */
export const imageNameRule = { maxCharacters: 32, allowedCharacters: /^[\p{Script=Han}A-Za-z0-9_-]*$/u } as const;
/** The characters an image name may not contain, for turning a key into a name. */
export const imageNameDisallowedRun = /[^\p{Script=Han}A-Za-z0-9_-]+/gu;

export function isValidImageName(name: string): boolean {
  const length = [...name].length;
  return length > 0 && length <= imageNameRule.maxCharacters && imageNameRule.allowedCharacters.test(name);
}

/** `description`: any characters, at most 256 (counted as characters, not bytes). */
export const maxDescriptionCharacters = 256;

/**
 * `osVersion`: free text used only as a label; JD documents no length. 64 is our own cap (the
 * longest real version strings are ~20 characters), so a typo'd paragraph is caught here.
 */
export const maxOsVersionCharacters = 64;

/** `clientToken`: the idempotency key, at most 64 characters. */
export const maxClientTokenCharacters = 64;
