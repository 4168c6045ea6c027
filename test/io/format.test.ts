import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { csvInt, formatCsvLine, formatNaiveTimestamp, formatPythonFloat, parseNaiveTimestamp, splitCsvLine } from '../../io/index.js';

describe('formatPythonFloat', () => {
  it('prints what Python repr prints', () => {
    // Expected strings produced by CPython 3 `repr(float)`.
    const cases: Array<[number, string]> = [
      [3, '3.0'],
      [0, '0.0'],
      [-0, '-0.0'],
      [3.66, '3.66'],
      [1e-5, '1e-05'],
      [0.0001, '0.0001'],
      [1e15, '1000000000000000.0'],
      [1e16, '1e+16'],
      [1.5e16, '1.5e+16'],
      [123456789012345680, '1.2345678901234568e+17'],
      [-2.5, '-2.5'],
      [12.78553032985699, '12.78553032985699'],
      [244152.01, '244152.01'],
      [5e-324, '5e-324'],
      [1.7976931348623157e308, '1.7976931348623157e+308'],
      [NaN, 'nan'],
      [Infinity, 'inf'],
      [-Infinity, '-inf'],
    ];
    for (const [value, text] of cases) expect(formatPythonFloat(value)).toBe(text);
  });

  it('round-trips every finite double', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        const text = formatPythonFloat(x);
        expect(Object.is(Number(text), x)).toBe(true);
        expect(text).toMatch(/[.e]/);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('CSV cells and lines', () => {
  it('prints integers, floats, empties and quoted strings', () => {
    expect(formatCsvLine([csvInt(130), csvInt(205), 3, null, 'a,b', 'say "hi"', undefined])).toBe(
      '130,205,3.0,,"a,b","say ""hi""",',
    );
    expect(formatCsvLine([csvInt(null), { int: 12n }, true])).toBe(',12,True');
  });

  it('splits what it prints', () => {
    expect(splitCsvLine('130,"a,b","say ""hi""",')).toEqual(['130', 'a,b', 'say "hi"', '']);
    expect(() => splitCsvLine('"open')).toThrow(/unterminated/);
  });
});

describe('naive timestamps', () => {
  it('parse and print without any time zone', () => {
    const ms = parseNaiveTimestamp('2021-02-01 00:34:03');
    expect(ms).toBe(1612139643000);
    expect(formatNaiveTimestamp(1612139643000)).toBe('2021-02-01 00:34:03');
    expect(parseNaiveTimestamp('2021-02-01T00:34:03.25')).toBe(1612139643250);
    expect(formatNaiveTimestamp(1612139643250)).toBe('2021-02-01 00:34:03.250000');
    expect(parseNaiveTimestamp('2021-02-30 00:00:00')).toBeNull();
    expect(parseNaiveTimestamp('2021-02-01T00:34:03Z')).toBeNull();
  });
});
