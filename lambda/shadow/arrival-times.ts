/**
 * Records' arrival times as ISO 8601, or the text of what Kinesis gave when it is no instant: a
 * malformed record is no reason for the shadow to throw into the batch. A batch's records arrive
 * within a few seconds of each other, so the date and time up to the second are formatted once per
 * second and only the milliseconds per record (a `Date` and `toISOString` per ride cost as much as
 * scoring it with the shadow model).
 *
 * @example
 * ```ts
 * const times = new ArrivalTimes();
 * times.format(1612140013.117); // '2021-02-01T00:40:13.117Z'
 * times.format(Number.NaN); // 'NaN'
 * ```
 */
export class ArrivalTimes {
  /** Start (ms since the epoch) of the second {@link secondText} formats, e.g. `2021-02-01T00:40:13.`. */
  private second = Number.NaN;
  private secondText = '';

  format(seconds: number): string {
    // Truncated as `new Date(seconds * 1000)` truncates: the same text as its `toISOString()`.
    const ms = Math.trunc(seconds * 1000);
    const second = Math.floor(ms / 1000) * 1000;
    if (second !== this.second) {
      const date = new Date(second);
      if (Number.isNaN(date.getTime())) return String(seconds);
      const iso = date.toISOString();
      // Years beyond 9999 (or before 0) have six digits and a sign: no fixed-width prefix to reuse.
      // The whole second can be an instant while the record's millisecond is not (just past the
      // last instant a Date holds): then, as for any non-instant, the text Kinesis gave.
      if (iso.length !== 24) {
        const exact = new Date(ms);
        return Number.isNaN(exact.getTime()) ? String(seconds) : exact.toISOString();
      }
      this.second = second;
      this.secondText = iso.slice(0, 20);
    }
    return `${this.secondText}${String(ms - second).padStart(3, '0')}Z`;
  }
}
