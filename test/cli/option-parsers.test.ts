/**
 * The flag value parsers every command shares (cli/errors.ts): each takes what its help promises
 * and refuses the rest with commander's InvalidArgumentError, which commander reports as a usage
 * error (exit 2) naming the flag.
 */
import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { fraction, integerFrom, nonNegativeInt, nonNegativeNumber, positiveInt, positiveNumber } from '../../cli/errors.js';

const refuses = (parse: (value: string) => number, value: string, message: string): void => {
  expect(() => parse(value)).toThrow(InvalidArgumentError);
  expect(() => parse(value)).toThrow(message);
};

describe('option parsers', () => {
  it('take whole numbers in their range, and nothing else', () => {
    expect(positiveInt('3')).toBe(3);
    expect(nonNegativeInt('0')).toBe(0);
    const retries = integerFrom(-1, 10_000);
    expect(retries('-1')).toBe(-1);
    expect(retries('10000')).toBe(10_000);
    refuses(retries, '-2', 'Expected a whole number from -1 to 10000.');
    refuses(integerFrom(0, 300_000), '300001', 'Expected a whole number from 0 to 300000.');
    refuses(positiveInt, '0', 'Expected a whole number >= 1.');
    refuses(positiveInt, '2.5', 'Expected a whole number >= 1.');
    refuses(nonNegativeInt, '-1', 'Expected a whole number >= 0.');
    refuses(integerFrom(0), '1e400', 'Expected a whole number >= 0.');
  });

  it('take finite numbers on the right side of their bound', () => {
    expect(nonNegativeNumber('0')).toBe(0);
    expect(positiveNumber('0.5')).toBe(0.5);
    expect(fraction('1')).toBe(1);
    refuses(nonNegativeNumber, '-1', 'Expected a number >= 0.');
    refuses(positiveNumber, '0', 'Expected a number > 0.');
    refuses(positiveNumber, 'Infinity', 'Expected a number > 0.');
    refuses(fraction, '1.01', 'Expected a number between 0 and 1.');
    refuses(fraction, 'NaN', 'Expected a number between 0 and 1.');
  });

  it('refuse a blank value, which Number() would read as 0', () => {
    for (const blank of ['', ' ', '\t']) {
      refuses(integerFrom(0), blank, 'Expected a whole number >= 0.');
      refuses(nonNegativeNumber, blank, 'Expected a number >= 0.');
      refuses(fraction, blank, 'Expected a number between 0 and 1.');
    }
  });
});
