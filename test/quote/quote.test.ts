/** The one quoting helper for file and record values in errors and logs (lambda/quote.ts). */
import { describe, expect, it } from 'vitest';
import { describeValue, unpickle } from '../../lambda/model/pickle/index.js';
import { MAX_QUOTED_CHARS, quote } from '../../lambda/quote.js';
import { PickleBuilder } from '../model/pickle-builder.js';

describe('quote', () => {
  it('escapes what could forge a log line or drive a terminal', () => {
    expect(quote('model.pkl')).toBe('"model.pkl"');
    expect(quote('a\nb\r"c"\\')).toBe('"a\\nb\\r\\"c\\"\\\\"');
    expect(quote('\u001b[2J\u0000')).toBe('"\\u001b[2J\\u0000"');
    // C1 CSI, DEL, line/paragraph separators and bidi overrides pass JSON.stringify untouched.
    expect(quote('\u009b31m\u007f\u2028\u2029\u202etxt.exe\u2066')).toBe('"\\u009b31m\\u007f\\u2028\\u2029\\u202etxt.exe\\u2066"');
    // A lone surrogate (possible in a ride_id) is escaped, never emitted as broken UTF-8.
    expect(quote('id\ud800')).toBe('"id\\ud800"');
    expect(quote('os.system', { bare: true })).toBe('os.system');
  });

  it('cuts after 200 characters (or maxChars) and gives the length', () => {
    expect(MAX_QUOTED_CHARS).toBe(200);
    expect(quote('x'.repeat(5_000_000))).toBe(`"${'x'.repeat(200)}"…(5000000 chars)`);
    expect(quote('abcdef', { maxChars: 3, bare: true })).toBe('abc…(6 chars)');
    expect(quote('x'.repeat(200))).toBe(`"${'x'.repeat(200)}"`);
  });

  it('pickle strings in error messages go through it', () => {
    expect(describeValue('evil\u001b]0;pwned\u0007')).toBe('string "evil\\u001b]0;pwned\\u0007"');
    // A str where numpy wants a dtype: the message quotes the file's text escaped.
    const bytes = new PickleBuilder().global('numpy.core.multiarray', 'scalar').mark().str('\u001b[31mred').str('x').tuple().reduce().stop();
    expect(() => unpickle(bytes)).toThrow(/dtype is string "\\u001b\[31mred"/);
  });
});
