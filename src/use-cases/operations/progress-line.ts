import type { BackfillCounts } from './backfill.js';

/** `45s`, `3m07s`, `2h05m`: how long, for progress lines. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const whole = Math.max(0, Math.round(seconds));
  const hours = Math.floor(whole / 3600);
  const minutes = Math.floor((whole % 3600) / 60);
  const rest = whole % 60;
  return hours > 0 ? `${hours}h${String(minutes).padStart(2, '0')}m` : minutes > 0 ? `${minutes}m${String(rest).padStart(2, '0')}s` : `${rest}s`;
}

/**
 * One line of progress for a terminal: a bar of done/images, the outcome counts, the rate and
 * the time left. While the listing goes on the total can still grow: it shows a `+`.
 */
export function renderProgressLine(counts: BackfillCounts, elapsedMs: number, width = 24): string {
  const total = Math.max(counts.images, 1);
  const filled = Math.min(width, Math.round((counts.done / total) * width));
  const rate = counts.done / Math.max(elapsedMs / 1000, 0.001);
  const remaining = (counts.images - counts.done) / rate;
  const eta = counts.done === 0 ? '?' : formatDuration(remaining);
  return (
    `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${counts.done}/${counts.images}${counts.listingComplete ? '' : '+'} ` +
    `· ${counts.submitted} imported · ${counts.alreadyImported} already · ${counts.rejected} rejected · ${counts.failed} failed ` +
    `· ${rate.toFixed(1)}/s · ETA ${eta}`
  );
}
