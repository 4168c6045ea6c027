/**
 * Root mean squared error, as `sklearn.metrics.mean_squared_error(y, p, squared=False)`.
 *
 * @example
 * rmse(Float64Array.of(1, 2), Float64Array.of(1, 4)); // √2
 */
export function rmse(actual: ArrayLike<number>, predicted: ArrayLike<number>): number {
  if (actual.length !== predicted.length) {
    throw new RangeError(`rmse: ${actual.length} actual values but ${predicted.length} predictions`);
  }
  if (actual.length === 0) return Number.NaN;
  let sum = 0;
  for (let i = 0; i < actual.length; i++) {
    const d = (actual[i] as number) - (predicted[i] as number);
    sum += d * d;
  }
  return Math.sqrt(sum / actual.length);
}
