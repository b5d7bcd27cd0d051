/**
 * `YYYY-MM-DD HH:mm:ss`, the format of createdTime/finishedTime in the VM API (docs §2.3). The
 * API gives no zone; JD's regions are in China, so the emulator writes China time (UTC+8).
 */
export function formatTaskTime(ms: number): string {
  return new Date(ms + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
}

export const taskTimePattern = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;
