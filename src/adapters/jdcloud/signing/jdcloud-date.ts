/** `YYYYMMDD'T'HHMMSS'Z'` in UTC, the `x-jdcloud-date` format (docs §1.2). */
export function formatJdcloudDate(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

const jdcloudDatePattern = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

/** Parses an `x-jdcloud-date` value; undefined when it is not in that exact format. */
export function parseJdcloudDate(text: string): Date | undefined {
  const match = jdcloudDatePattern.exec(text);
  if (match === null) return undefined;
  const [, year, month, day, hour, minute, second] = match.map(Number);
  const date = new Date(Date.UTC(year ?? 0, (month ?? 1) - 1, day, hour, minute, second));
  // Reject dates JS would roll over (month 13, 31 February) so round trips are exact.
  return formatJdcloudDate(date) === text ? date : undefined;
}
