/**
 * The load budget: one running total of everything an unpickling run allocates, and of what the
 * scikit-learn adapters allocate from its arrays afterwards (tree nodes, float64 copies), sized
 * from the file by {@link loadBudgetBytes}. Opcode-by-opcode limits alone cannot stop a small file
 * from making a big load: a memoised value referenced many times costs the file a few bytes per
 * reference, while every copy made of it (an encoded string, a set, a merged state dict, an array
 * claiming the same bytes) costs its full size. Charging each of those copies here bounds the
 * load's memory, and with it its time, by a multiple of the file's length.
 */
import { PickleError, PickleLimitError } from './errors.js';
import { loadBudgetBytes } from './limits.js';
import type { PickleLimits } from './limits.js';

/**
 * What one allocation is charged, in bytes: a rough model of V8's costs (64-bit, no pointer
 * compression), enough to keep the charge within a small factor of the memory really used.
 */
export const COST = {
  /** Any object: a tuple, list, dict, set, instance, typed-array view. */
  object: 64,
  /** One list or tuple item, or one memo slot (a pointer). */
  slot: 8,
  /** One dict or set entry (key, value and hash-table bookkeeping). */
  entry: 32,
  /** A string's header; its characters are charged at one or two bytes each. */
  string: 24,
} as const;

export class LoadBudget {
  /** Bytes charged so far. */
  used = 0;
  /** Bytes this load may charge in all. */
  readonly total: number;

  constructor(
    readonly limits: PickleLimits,
    readonly fileBytes: number,
  ) {
    this.total = loadBudgetBytes(limits, fileBytes);
  }

  /**
   * Charges `bytes` for `what`, before it is allocated.
   *
   * @throws {PickleLimitError} when the load's budget would be exceeded
   */
  charge(bytes: number, what: string): void {
    const used = this.used + bytes;
    if (used > this.total) {
      const { budgetPerFileByte, budgetFloorBytes, budgetCapBytes } = this.limits;
      throw new PickleLimitError(
        `load budget exceeded by ${what} (${bytes} bytes more, ${this.used} of ${this.total} used): a ${this.fileBytes}-byte file may ` +
          `allocate ${budgetFloorBytes} + ${budgetPerFileByte} x its length, at most ${budgetCapBytes} bytes (limits budgetFloorBytes, budgetPerFileByte, budgetCapBytes)`,
      );
    }
    this.used = used;
  }

  /** Checks a claimed array shape before anything is allocated, charges its bytes; returns the element count. */
  claimArray(shape: readonly number[], itemSize: number): number {
    const { maxArrayElements, maxArrayBytes } = this.limits;
    let count = 1;
    for (const dim of shape) {
      if (!Number.isSafeInteger(dim) || dim < 0) throw new PickleError(`numpy array has an invalid dimension ${dim}`);
      count *= dim;
      if (count > maxArrayElements) {
        throw new PickleLimitError(`numpy array shape (${shape.join(', ')}) claims more than ${maxArrayElements} elements (limit maxArrayElements)`);
      }
    }
    const bytes = count * itemSize;
    if (bytes > maxArrayBytes) throw new PickleLimitError(`numpy array of ${bytes} bytes exceeds the ${maxArrayBytes}-byte limit (maxArrayBytes)`);
    this.charge(COST.object + bytes, `a numpy array of ${bytes} bytes`);
    return count;
  }
}
