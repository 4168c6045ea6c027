/**
 * Resource bounds of one unpickling run. A model file is untrusted input: every size it claims is
 * checked against these before anything is allocated, and everything the load allocates is charged
 * to one budget sized from the file (see {@link loadBudgetBytes}), so a hostile or corrupt file
 * fails fast instead of exhausting memory or time.
 */
export interface PickleLimits {
  /** Largest single array, in bytes of its element data. */
  readonly maxArrayBytes: number;
  /** Largest single array, in elements. */
  readonly maxArrayElements: number;
  /** Deepest MARK nesting (tuples/lists/dicts under construction). */
  readonly maxMarkDepth: number;
  /** Most values on the VM stack at once. */
  readonly maxStackSize: number;
  /** Highest memo index. */
  readonly maxMemoIndex: number;
  /** Longest string or bytes argument (the file size already bounds it; this is a second fence). */
  readonly maxStringBytes: number;
  /** Longest `LONG1`/`LONG4` integer, in bytes (`LONG` text lines are bounded by their line length). */
  readonly maxLongBytes: number;
  /** The load budget's multiple of the file's length, in bytes per file byte. */
  readonly budgetPerFileByte: number;
  /** The load budget's floor, in bytes, added to the multiple (small files need room for fixed costs). */
  readonly budgetFloorBytes: number;
  /** The load budget's hard cap, in bytes, whatever the file's length. */
  readonly budgetCapBytes: number;
}

const MIB = 1024 * 1024;

export const DEFAULT_PICKLE_LIMITS: PickleLimits = {
  maxArrayBytes: 256 * MIB,
  maxArrayElements: 32 * MIB,
  maxMarkDepth: 1_000,
  maxStackSize: 50_000,
  maxMemoIndex: 16 * MIB,
  maxStringBytes: 256 * MIB,
  // 32,768 bits: far beyond any integer a scikit-learn model holds (seeds, counts, sizes).
  maxLongBytes: 4_096,
  // A model's load allocates a small multiple of its file: the vocabulary's strings and map entries
  // (about 2.5x the bytes that spell them), the arrays (their own bytes, shared with the file) and
  // the predictor's copies of them (under 2x). 16x leaves room for layouts not seen yet while
  // holding a 1 MB hostile file to 80 MB.
  budgetPerFileByte: 16,
  budgetFloorBytes: 64 * MIB,
  budgetCapBytes: 2_048 * MIB,
};

/**
 * The load budget for a file of `fileBytes` bytes: `floor + multiple × length`, at most the cap
 * (64 MiB + 16 × the length, at most 2 GiB, by default).
 *
 * @example
 * ```ts
 * loadBudgetBytes(DEFAULT_PICKLE_LIMITS, 411_402); // 73_691_296 (lin_reg.bin: 64 MiB + 6.6 MB)
 * ```
 */
export function loadBudgetBytes(limits: PickleLimits, fileBytes: number): number {
  return Math.min(limits.budgetCapBytes, limits.budgetFloorBytes + limits.budgetPerFileByte * fileBytes);
}
