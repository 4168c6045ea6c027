/**
 * Comparison arithmetic shared by the handler's shadow metrics, the local pipeline's summary and
 * `ride-duration compare`: how two models' predictions differ, and how far each is from the truth.
 */
import type { DifferenceStats } from './types.js';

/** Nearest-rank percentile of ascending values: the smallest value with at least `p`% at or below it. */
export function nearestRank(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}

/**
 * Differences `shadow[i] − main[i]`, summarised.
 *
 * @example
 * ```ts
 * differenceStats([10, 20], [11, 18]); // { count: 2, meanAbsolute: 1.5, meanSigned: -0.5, p95Absolute: 2 }
 * ```
 */
export function differenceStats(main: ArrayLike<number>, shadow: ArrayLike<number>): DifferenceStats {
  const count = Math.min(main.length, shadow.length);
  const absolute = new Float64Array(count);
  let signedSum = 0;
  let absoluteSum = 0;
  for (let i = 0; i < count; i++) {
    const difference = shadow[i]! - main[i]!;
    signedSum += difference;
    absoluteSum += Math.abs(difference);
    absolute[i] = Math.abs(difference);
  }
  absolute.sort();
  return {
    count,
    meanAbsolute: count === 0 ? 0 : absoluteSum / count,
    meanSigned: count === 0 ? 0 : signedSum / count,
    p95Absolute: count === 0 ? 0 : nearestRank(absolute, 95),
  };
}

/** A model's error against actual durations (minutes). */
export interface ErrorStats {
  readonly count: number;
  readonly rmse: number;
  readonly mae: number;
}

/**
 * Running RMSE and MAE of predictions against actual values.
 *
 * @example
 * ```ts
 * const errors = new ErrorAccumulator();
 * errors.add(12.5, 14); errors.add(8, 7);
 * errors.stats(); // { count: 2, rmse: 1.27…, mae: 1.25 }
 * ```
 */
export class ErrorAccumulator {
  private count = 0;
  private squared = 0;
  private absolute = 0;

  add(predicted: number, actual: number): void {
    const error = predicted - actual;
    this.count++;
    this.squared += error * error;
    this.absolute += Math.abs(error);
  }

  stats(): ErrorStats {
    const n = this.count;
    return { count: n, rmse: n === 0 ? Number.NaN : Math.sqrt(this.squared / n), mae: n === 0 ? Number.NaN : this.absolute / n };
  }
}
