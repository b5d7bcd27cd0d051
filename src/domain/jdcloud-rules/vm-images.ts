// JD Cloud's rules for the VM image calls beside importImage, defined once: the client's input
// schemas and the VM emulator both read them. Sources: docs/reference/jdcloud-api.md §2.4
// (describeImage/describeImages), §2.7 (copyImages), §2.8 (shareImage).

/** `status` of an image (§2.4, Image_Status.md). */
export const imageStatuses = ['pending', 'ready', 'deleting', 'error'] as const;
export type ImageStatus = (typeof imageStatuses)[number];

/** copyImages: `sourceImageIds` holds at most 10 private image ids per call (§2.7). */
export const maxCopyImagesSourceIds = 10;

/** describeImages `pageSize`: documented range [10, 100], default 20 (§2.4). */
export const describeImagesPageSize = { min: 10, max: 100, default: 20 } as const;

/**
 * An image id, e.g. `img-m5s0****29`. JD documents no length; 64 is our own cap (real ids are
 * ~14 characters), so a pasted URL or paragraph is refused before it is sent.
 */
export const maxImageIdCharacters = 64;

/**
 * shareImage `pins` (§2.8): JD account pins. JD documents no pattern; a pin is never empty and
 * never holds whitespace, so anything else is refused before it is sent.
 */
export function isAccountPin(pin: string): boolean {
  return pin !== '' && !/\s/.test(pin);
}

/**
 * `copy-to-regions` and `share-with` (issue 13): at most 10 entries each. Our own cap: copyImages
 * takes at most 10 image ids per call (§2.7) but says nothing of destinations, and shareImage
 * documents no limit on pins; a longer list is far more likely a pasted mistake than a plan.
 */
export const maxFollowThroughEntries = 10;
