/** A local file or object that could not be read for `inspect`: exit code 1, not a rejection. */
export class ImageReadError extends Error {
  override name = 'ImageReadError';
}
