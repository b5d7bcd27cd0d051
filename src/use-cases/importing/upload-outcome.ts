import type { Problem } from '../../kernel/index.js';
import type { UnpackedTo } from '../../domain/status/index.js';

/**
 * What happened to one upload: `import --json` prints it, the function logs and returns it. A
 * packed upload's (issue 14) is its sibling's, with `unpackedTo` saying where the sibling is.
 */
export type UploadOutcome = (
  | { outcome: 'submitted'; key: string; imageId: string; taskId: string; clientToken: string; attempts: number; warnings?: string[] }
  | { outcome: 'duplicate'; key: string; state: string; imageId?: string; taskId?: string }
  | { outcome: 'rejected'; key: string; problems: Problem[] }
  /** No object under any spelling of the key (deleted before it could be read, or a typo). `recorded: false`: no status record written for it. */
  | { outcome: 'not-found'; key: string; triedKeys: string[]; recorded?: false }
  /** `recorded: false`: not even a status record could be written (the store refused it, or the key is too long for one). */
  | { outcome: 'failed'; key: string; error: string; retryable: boolean; recorded?: false }
  /** An object unpacked from `packedKey` (issue 14), run as its own upload: the packed upload's run imports it, with the packed upload's tags. Nothing recorded. */
  | { outcome: 'deferred'; key: string; packedKey: string }
) & { unpackedTo?: UnpackedTo };

export type OutcomeWithSource = UploadOutcome & { bucket: string; region: string; durationMs: number };
