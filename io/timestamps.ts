/**
 * Naive (time-zone-less) wall-clock timestamps, as TLC files store them.
 *
 * A naive timestamp is kept as milliseconds since 1970-01-01T00:00:00 of the same wall clock,
 * computed as if the wall clock were UTC. No time zone is ever applied, so durations are exact
 * and printing gives back the very digits that were read, on any machine.
 */

const NAIVE_PATTERN =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?$/;

/**
 * Parses `YYYY-MM-DD[ HH:MM[:SS[.fff…]]]` (space or `T` separator, no zone) into naive epoch ms.
 * Returns `null` for anything else, including strings with a zone suffix.
 *
 * @example
 * parseNaiveTimestamp('2021-02-01 00:34:03'); // 1612139643000
 */
export function parseNaiveTimestamp(text: string): number | null {
  const match = NAIVE_PATTERN.exec(text.trim());
  if (!match) return null;
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = ''] = match;
  const ms = Number((frac + '000').slice(0, 3));
  const value = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms);
  // Date.UTC rolls invalid fields over (Feb 30 → Mar 2); refuse those instead.
  const check = new Date(value);
  if (check.getUTCMonth() !== Number(mo) - 1 || check.getUTCDate() !== Number(d)) return null;
  return value;
}

/**
 * Prints naive epoch ms the way pandas prints a `Timestamp`: `YYYY-MM-DD HH:MM:SS`, with
 * `.ffffff` only when there are fractional seconds.
 *
 * @example
 * formatNaiveTimestamp(1612139643000); // '2021-02-01 00:34:03'
 */
export function formatNaiveTimestamp(ms: number): string {
  const iso = new Date(ms).toISOString(); // 2021-02-01T00:34:03.000Z
  const base = `${iso.slice(0, 10)} ${iso.slice(11, 19)}`;
  const frac = iso.slice(20, 23);
  return frac === '000' ? base : `${base}.${frac}000`;
}

/**
 * Converts what a reader found in a timestamp field into naive epoch ms: numbers are taken as
 * naive epoch ms already, strings are parsed with {@link parseNaiveTimestamp}, `Date`s are
 * read in UTC. Anything else is `null`.
 */
export function toNaiveMs(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string') return value.trim() === '' ? null : parseNaiveTimestamp(value);
  if (value instanceof Date) {
    const ms = value.getTime();
    return Number.isNaN(ms) ? null : ms;
  }
  return null;
}
