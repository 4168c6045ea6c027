/**
 * The comparison arithmetic of the shadow metrics, the local summary and `compare`: nearest-rank
 * percentiles, differences between two models, and error against actual durations.
 */
import { describe, expect, it } from 'vitest';
import { differenceStats, ErrorAccumulator, nearestRank } from '../../lambda/shadow/stats.js';

describe('nearestRank', () => {
  it('is the smallest value with at least p % of the values at or below it', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(nearestRank(values, 50)).toBe(50);
    expect(nearestRank(values, 95)).toBe(95);
    expect(nearestRank(values, 99)).toBe(99);
    expect(nearestRank(values, 100)).toBe(100);
    expect(nearestRank(values, 0)).toBe(1);
    expect(nearestRank([7], 99)).toBe(7);
    expect(nearestRank([1, 2, 3], 50)).toBe(2);
    expect(nearestRank([], 50)).toBeNaN();
  });
});

describe('differenceStats', () => {
  it('summarises shadow − main, pair by pair', () => {
    expect(differenceStats([10, 20], [11, 18])).toStrictEqual({ count: 2, meanAbsolute: 1.5, meanSigned: -0.5, p95Absolute: 2 });
    const main = Array.from({ length: 20 }, () => 10);
    const shadow = main.map((value, i) => value + (i % 2 === 0 ? i : -i));
    expect(differenceStats(main, shadow)).toMatchObject({ count: 20, meanAbsolute: 9.5, meanSigned: -0.5, p95Absolute: 18 });
    expect(differenceStats([], [])).toStrictEqual({ count: 0, meanAbsolute: 0, meanSigned: 0, p95Absolute: 0 });
  });
});

describe('ErrorAccumulator', () => {
  it('gives RMSE and MAE, and NaN before any ride', () => {
    const errors = new ErrorAccumulator();
    expect(errors.stats()).toStrictEqual({ count: 0, rmse: Number.NaN, mae: Number.NaN });
    errors.add(12.5, 14);
    errors.add(8, 7);
    expect(errors.stats()).toStrictEqual({ count: 2, rmse: Math.sqrt((1.5 ** 2 + 1) / 2), mae: 1.25 });
  });
});
