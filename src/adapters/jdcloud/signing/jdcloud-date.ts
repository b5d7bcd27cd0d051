/** `YYYYMMDD'T'HHMMSS'Z'` in UTC, the `x-jdcloud-date` format (docs/reference/jdcloud-api.md §1.2). */
export function formatJdCloudDate(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

const jdCloudDatePattern = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

/** Parses an `x-jdcloud-date` value; undefined when it is not in that exact format. */
export function parseJdCloudDate(text: string): Date | undefined {
  const match = jdCloudDatePattern.exec(text);
  if (match === null) return undefined;
  const [, year, month, day, hour, minute, second] = match.map(Number);
  const date = new Date(Date.UTC(year ?? 0, (month ?? 1) - 1, day, hour, minute, second));
  // Reject dates JS would roll over (month 13, 31 February) so round trips are exact.
  return formatJdCloudDate(date) === text ? date : undefined;
}

/** @deprecated Use `formatJdCloudDate` (one spelling: JdCloud). */
export const formatJdcloudDate = formatJdCloudDate;
/** @deprecated Use `parseJdCloudDate` (one spelling: JdCloud). */
export const parseJdcloudDate = parseJdCloudDate;
