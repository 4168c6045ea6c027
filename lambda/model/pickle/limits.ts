/**
 * Resource bounds of one unpickling run. A model file is untrusted input: every size it claims is
 * checked against these before anything is allocated, so a hostile or corrupt file fails fast.
 */
export interface PickleLimits {
  /** Largest single array, in bytes of its element data. */
  readonly maxArrayBytes: number;
  /** Largest single array, in elements. */
  readonly maxArrayElements: number;
  /** All arrays of one pickle together, in bytes. */
  readonly maxTotalArrayBytes: number;
  /** Deepest MARK nesting (tuples/lists/dicts under construction). */
  readonly maxMarkDepth: number;
  /** Most values on the VM stack at once. */
  readonly maxStackSize: number;
  /** Highest memo index. */
  readonly maxMemoIndex: number;
  /** Longest string or bytes argument (the file size already bounds it; this is a second fence). */
  readonly maxStringBytes: number;
}

export const DEFAULT_PICKLE_LIMITS: PickleLimits = {
  maxArrayBytes: 256 * 1024 * 1024,
  maxArrayElements: 32 * 1024 * 1024,
  maxTotalArrayBytes: 512 * 1024 * 1024,
  maxMarkDepth: 1_000,
  maxStackSize: 50_000,
  maxMemoIndex: 16 * 1024 * 1024,
  maxStringBytes: 256 * 1024 * 1024,
};
