import { describe, expect, it } from 'vitest';

import { ArrivalTimes } from '../../lambda/shadow/arrival-times.js';

/** What the pairs carried before the per-second reuse: `toISOString()` of each record's own Date. */
function reference(seconds: number): string {
  const date = new Date(seconds * 1000);
  return Number.isNaN(date.getTime()) ? String(seconds) : date.toISOString();
}

describe('ArrivalTimes: arrival_time of shadow pairs', () => {
  it('equals toISOString() of each record, across seconds, minutes and days', () => {
    const times = new ArrivalTimes();
    // A batch's arrivals a few ms apart, crossing a second, a minute, a day and a year.
    const starts = [1_612_137_600, 1_612_137_659.998, 1_612_223_999.99, 1_640_995_199.995, 0, -1.5];
    for (const start of starts) {
      for (let ms = 0; ms < 2_500; ms += 7) {
        const seconds = Math.round((start * 1000) + ms) / 1000;
        expect(times.format(seconds)).toBe(reference(seconds));
      }
    }
  });

  it('truncates fractional milliseconds as Date does, in any order', () => {
    const times = new ArrivalTimes();
    for (const seconds of [1_654_161_514.123, 1_612_137_600.0015, 1_612_137_600.9999, 1_612_137_599.0001, 1_654_161_514.1239]) {
      expect(times.format(seconds)).toBe(reference(seconds));
    }
  });

  it('gives what Kinesis gave for no instant (its second one or not), and years beyond 9999 in full', () => {
    const times = new ArrivalTimes();
    for (const seconds of [Number.NaN, Number.POSITIVE_INFINITY, 8.64e12 + 1, 8.64e12 + 0.5, 8.64e12 + 0.999, -8.64e12 - 0.5, 253_402_300_800.5, -62_198_755_200.25, 1_612_137_600.5]) {
      expect(times.format(seconds)).toBe(reference(seconds));
    }
  });
});
