import type { Problem } from '../../kernel/index.js';

/** The upload cannot be unpacked, for a reason that a retry would not change: recorded as `rejected`. */
export class UnpackRejection extends Error {
  override name = 'UnpackRejection';
  readonly problems: Problem[];

  constructor(problems: Problem[]) {
    super(problems.map((problem) => problem.message).join(' '));
    this.problems = problems;
  }
}

/** A decoder gave up on the bytes: a corrupt or truncated upload. */
export function corruptStreamRejection(key: string, what: string, error: unknown): UnpackRejection {
  const reason = error instanceof Error ? error.message : String(error);
  return new UnpackRejection([
    {
      code: 'unpack-corrupt',
      field: 'content',
      value: key,
      message: `${JSON.stringify(key)} could not be unpacked: the ${what} is corrupt or truncated (${reason}). Nothing was kept. Upload the file again.`,
    },
  ]);
}

/** Not an error: a way out of the stream (the sibling is already there; `plan` has the bytes it needs). */
export class UnpackSignal extends Error {}

/**
 * Errors a decoder's catch passes on as they are: our rejections and signals, and the store's
 * failures. Those come from the UnpackStore the caller handed in (ObjectStoreError, of the
 * caller's bundle: this code may run from a file of its own), and say whether to retry.
 * Anything else a decoder or parser throws means the bytes are corrupt.
 */
export function isNotTheBytesFault(error: unknown): boolean {
  return error instanceof UnpackRejection || error instanceof UnpackSignal || (error instanceof Error && typeof (error as { retryable?: unknown }).retryable === 'boolean');
}

/** The sibling exists, unpacked from this very version of the upload: import it, do not unpack again. */
export class SiblingAlreadyUnpacked extends UnpackSignal {
  override name = 'SiblingAlreadyUnpacked';
  constructor(readonly sibling: { key: string; etag: string; size: number }) {
    super(`s3://…/${sibling.key} is already unpacked`);
  }
}

/** A newer version of the packed upload was unpacked to the sibling meanwhile: this run stops and records nothing. */
export class SiblingSuperseded extends UnpackSignal {
  override name = 'SiblingSuperseded';
  constructor(readonly siblingKey: string) {
    super(`s3://…/${siblingKey} was unpacked from a newer version meanwhile`);
  }
}
