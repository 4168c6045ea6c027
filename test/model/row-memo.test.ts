/**
 * The forests' memo of row scores: a row scored again gives the score it gave, rows that differ in
 * any column or value are scored on their own.
 */
import { describe, expect, it } from 'vitest';
import { RowMemo } from '../../lambda/model/sklearn/row-memo.js';

const row = (cols: number[], vals: number[]): [Int32Array, Float64Array, number] => [Int32Array.from(cols), Float64Array.from(vals), cols.length];

describe('RowMemo', () => {
  it('remembers a row by its columns and values, to the last bit of a value', () => {
    const memo = new RowMemo();
    expect(memo.get(...row([3, 7], [1, 2.5]))).toBeUndefined();
    expect(memo.set(12.5)).toBe(12.5);
    expect(memo.get(...row([3, 7], [1, 2.5]))).toBe(12.5);
    // The next double after 2.5, another column, a column fewer: each a row of its own.
    expect(memo.get(...row([3, 7], [1, 2.5000000000000004]))).toBeUndefined();
    expect(memo.get(...row([3, 8], [1, 2.5]))).toBeUndefined();
    expect(memo.get(...row([7], [2.5]))).toBeUndefined();
    // Only the first n entries of the scratch arrays are the row.
    expect(memo.get(Int32Array.of(3, 7, 9), Float64Array.of(1, 2.5, 4), 2)).toBe(12.5);
  });

  it('starts again past its size, never answering with another row\'s score', () => {
    const memo = new RowMemo();
    const rows = 20_000;
    for (let i = 0; i < rows; i++) if (memo.get(...row([1], [i / 8])) === undefined) memo.set(i);
    // The last rows were stored after the start again, the first ones before it.
    for (let i = rows - 1_000; i < rows; i++) expect(memo.get(...row([1], [i / 8]))).toBe(i);
    for (let i = 0; i < 1_000; i++) expect(memo.get(...row([1], [i / 8]))).toBeUndefined();
  });
});
