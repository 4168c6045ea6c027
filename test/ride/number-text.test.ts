/**
 * writeNumberText must write exactly JSON.stringify's text for every number: the shortest
 * round-trip digits where it decides them itself, JSON.stringify's own text everywhere else.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { writeNumberText } from '../../lambda/ride/number-text.js';

const buffer = new Uint8Array(64);

function text(x: number): string {
  const end = writeNumberText(buffer, 0, x);
  return Buffer.from(buffer.subarray(0, end)).toString('latin1');
}

/** Every double next to `x`, `steps` on each side (bit patterns, so the ulp is respected). */
function neighbours(x: number, steps: number): number[] {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const out: number[] = [];
  for (let d = -steps; d <= steps; d++) {
    view.setBigUint64(0, bits + BigInt(d));
    out.push(view.getFloat64(0));
  }
  return out;
}

describe('writeNumberText', () => {
  it('writes JSON.stringify of any double', () => {
    fc.assert(
      fc.property(fc.double(), (x) => {
        expect(text(x)).toBe(JSON.stringify(x));
      }),
      { numRuns: 50_000 },
    );
  });

  it('writes JSON.stringify of ride-duration-like doubles (the digits it decides itself)', () => {
    fc.assert(
      fc.property(fc.double({ min: -1e16, max: 1e16, noNaN: true }), fc.double({ min: 0, max: 120, noNaN: true }), (wide, duration) => {
        expect(text(wide)).toBe(JSON.stringify(wide));
        expect(text(duration)).toBe(JSON.stringify(duration));
      }),
      { numRuns: 50_000 },
    );
  });

  it('writes JSON.stringify next to powers of ten and two, short decimals, and the edges of its range', () => {
    const values: number[] = [0, -0, Number.NaN, Infinity, -Infinity, Number.MIN_VALUE, Number.MAX_VALUE, 2 ** 53, 2 ** 53 - 1, 9.007199254740993];
    for (let e = -8; e <= 22; e++) values.push(...neighbours(10 ** e, 40), ...neighbours(-(10 ** e), 3), ...neighbours(9.999999999999999 * 10 ** e, 5));
    for (let e = -30; e <= 60; e++) values.push(...neighbours(2 ** e, 5));
    for (let i = 1; i <= 20_000; i++) values.push(i / 100, i / 7, 1 + i / 1e6, i * 1.1, 1e15 - i / 8);
    for (const x of values) expect(text(x), String(x)).toBe(JSON.stringify(x));
  });
});
