/**
 * Scores of rows already seen, for regressors whose score is expensive (a forest walks every tree
 * for each row). Rides repeat: the course's RandomForest drops the 85 % of February 2021's PU_DO
 * pairs it never saw, so most rides come down to their trip distance, and distances repeat. A
 * remembered score is the one computed for the same row, so the result is the same to the bit.
 */

/** Rows remembered; past this the memo starts again (memory stays at a few MB, in a Lambda too). */
const MEMO_ROWS = 1 << 16;

/**
 * Remembers a score per sparse row (its present columns and their values).
 *
 * @example
 * const memo = new RowMemo();
 * const score = memo.get(cols, vals, n) ?? memo.set(walkTrees(cols, vals, n));
 */
export class RowMemo {
  private readonly scores = new Map<string, number>();
  private key = '';

  /** The remembered score of this row, or `undefined` (then {@link set} stores the row's score). */
  get(cols: Int32Array, vals: Float64Array, n: number): number | undefined {
    // Distinct doubles print distinctly (the shortest round-trip text); -0 and 0 print alike,
    // which no comparison with a threshold tells apart.
    let key = '';
    for (let i = 0; i < n; i++) key += `${cols[i]}:${vals[i]} `;
    this.key = key;
    return this.scores.get(key);
  }

  /** Stores `score` for the row of the last {@link get}; returns it. */
  set(score: number): number {
    if (this.scores.size >= MEMO_ROWS) this.scores.clear();
    this.scores.set(this.key, score);
    return score;
  }
}
