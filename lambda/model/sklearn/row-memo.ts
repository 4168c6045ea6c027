/**
 * Scores of rows already seen, for regressors whose score is expensive (a forest walks every tree
 * for each row). Rides repeat: the course's RandomForest drops the 85 % of February 2021's PU_DO
 * pairs it never saw, so most rides come down to their trip distance, and distances repeat. A
 * remembered score is the one computed for the same row, so the result is the same to the bit.
 */

/**
 * Rows remembered; past this the memo starts again. A Map node holds ~190 bytes of heap, and a row
 * makes four at most (a PU_DO pair of its own, then its distance), one once its pair is known:
 * 16,384 rows of the course's forest, 13,000 of them with a pair of their own, held 10.4 MiB, so
 * the memo stays near 10 MiB, in a 128 MB Lambda too. February 2021 has 7,277 distinct rows for
 * that forest; a 10,000-record batch at most 10,000.
 */
const MEMO_ROWS = 1 << 14;

/**
 * A trie of rows: keyed by a column, then by its value, then by the next column…; a row's score
 * sits under {@link ROW_END} where its last value leads. Numbers as keys rather than a text of the
 * row: printing each row's trip distance cost more than the lookups (a month with the course's
 * forest: 5.90-6.04 G instructions with text keys, 5.80 G with this, callgrind).
 */
type Trie = Map<number, Trie | number>;
/** Never a column: where a row ends. */
const ROW_END = -1;

/**
 * Remembers a score per sparse row (its present columns and their values). Values are keyed as
 * `Map` keys compare them: the same double is the same value; -0 and 0 are one value, which no
 * comparison with a threshold tells apart.
 *
 * @example
 * const memo = new RowMemo();
 * const score = memo.get(cols, vals, n) ?? memo.set(walkTrees(cols, vals, n));
 */
export class RowMemo {
  private root: Trie = new Map();
  private rows = 0;
  /** Where the row of the last {@link get} ends, for {@link set}. */
  private last: Trie = this.root;

  /** The remembered score of this row, or `undefined` (then {@link set} stores the row's score). */
  get(cols: Int32Array, vals: Float64Array, n: number): number | undefined {
    let node = this.root;
    for (let i = 0; i < n; i++) {
      node = child(child(node, cols[i]!), vals[i]!);
    }
    this.last = node;
    const score = node.get(ROW_END);
    return typeof score === 'number' ? score : undefined;
  }

  /** Stores `score` for the row of the last {@link get}; returns it. */
  set(score: number): number {
    if (this.rows >= MEMO_ROWS) {
      // Started again; the row's own path is in the old trie, so it is simply not remembered.
      this.root = new Map();
      this.rows = 0;
      return score;
    }
    this.last.set(ROW_END, score);
    this.rows++;
    return score;
  }
}

/** The node under `key`, made when missing (a miss is always followed by its score). */
function child(node: Trie, key: number): Trie {
  const next = node.get(key);
  if (next instanceof Map) return next;
  const made: Trie = new Map();
  node.set(key, made);
  return made;
}
