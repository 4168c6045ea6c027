/**
 * A row's present (column, value) pairs kept in ascending column order, as scipy lays out a CSR
 * row and sums its dot product: the order decides the last bit of a prediction.
 */

/**
 * Adds `(column, x)` to the first `n` entries of `cols`/`vals` (ascending; after equal columns, so
 * stable) and returns the new count. Insertion sort: a row has a handful of features. The arrays
 * must have room for `n + 1` entries.
 *
 * @example
 * ```ts
 * const cols = new Int32Array(2), vals = new Float64Array(2);
 * let n = placeInColumnOrder(cols, vals, 0, 7, 3.66);
 * n = placeInColumnOrder(cols, vals, n, 2, 1); // cols [2, 7], vals [1, 3.66], n 2
 * ```
 */
export function placeInColumnOrder(cols: Int32Array, vals: Float64Array, n: number, column: number, x: number): number {
  let at = n;
  while (at > 0 && cols[at - 1]! > column) {
    cols[at] = cols[at - 1]!;
    vals[at] = vals[at - 1]!;
    at--;
  }
  cols[at] = column;
  vals[at] = x;
  return n + 1;
}
