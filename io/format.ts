/**
 * Number and CSV-field formatting that matches what Python (and so the golden files and the
 * course's pandas output) prints.
 */
import { formatNaiveTimestamp } from './timestamps.js';

/**
 * Formats a float64 as Python's `repr(float)` does: the shortest string that round-trips,
 * always with a decimal point or exponent (`3.0`, not `3`), scientific notation when the decimal
 * exponent is below -4 or at least 16 (`1e-05`, `1e+16`), `nan`, `inf`, `-inf`.
 *
 * @example
 * formatPythonFloat(3);        // '3.0'
 * formatPythonFloat(3.66);     // '3.66'
 * formatPythonFloat(0.00001);  // '1e-05'
 * formatPythonFloat(1e16);     // '1e+16'
 */
export function formatPythonFloat(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Number.POSITIVE_INFINITY) return 'inf';
  if (x === Number.NEGATIVE_INFINITY) return '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  // toExponential() without an argument gives the shortest round-trip digits (ECMA-262 Number::toString).
  const [mantissa = '', exponentText = '0'] = x.toExponential().split('e');
  const exponent = Number(exponentText);
  const negative = mantissa.startsWith('-');
  const digits = mantissa.replace('-', '').replace('.', '');
  const sign = negative ? '-' : '';
  if (exponent < -4 || exponent >= 16) {
    const frac = digits.slice(1);
    const exp = `${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
    return `${sign}${digits[0] ?? ''}${frac ? `.${frac}` : ''}e${exp}`;
  }
  if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
  const intLen = exponent + 1;
  if (digits.length <= intLen) return `${sign}${digits}${'0'.repeat(intLen - digits.length)}.0`;
  return `${sign}${digits.slice(0, intLen)}.${digits.slice(intLen)}`;
}

/** A value a CSV cell can hold; `null`/`undefined` print as an empty cell. */
export type CsvValue = string | number | bigint | boolean | null | undefined;

/** Marks a number to be printed as an integer (`130`) rather than a Python float (`130.0`). */
export interface CsvInteger {
  readonly int: number | bigint;
}

/**
 * A naive wall-clock instant (epoch ms, see `timestamps.ts`), printed as pandas prints it and
 * written to parquet as a TIMESTAMP without ever going through text.
 */
export interface CsvTimestamp {
  readonly naiveMs: number;
}

/**
 * One CSV cell: numbers as Python floats ({@link formatPythonFloat}), `{ int }` as integers,
 * strings quoted only when they contain a comma, quote or line break.
 */
export function formatCsvCell(value: CsvValue | CsvInteger | CsvTimestamp): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return formatPythonFloat(value);
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'object') {
    if ('naiveMs' in value) return formatNaiveTimestamp(value.naiveMs);
    return typeof value.int === 'bigint' ? value.int.toString() : String(value.int);
  }
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** One CSV line (without the newline). */
export function formatCsvLine(cells: ReadonlyArray<CsvValue | CsvInteger | CsvTimestamp>): string {
  return cells.map(formatCsvCell).join(',');
}

/** `{ int: n }` for a whole number, `null` for `null`: the integer cells of a ride row. */
export function csvInt(value: number | null): CsvInteger | null {
  return value === null ? null : { int: value };
}
