/** The command's exit codes (docs/architecture.md). */
export const exitCodes = {
  done: 0,
  /** Network, credentials, API error after retries. */
  failed: 1,
  usage: 2,
  /** The image or its fields cannot be imported, or it is unsafe. */
  rejected: 3,
} as const;
