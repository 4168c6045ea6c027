import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { puDo, rideFeatures } from '../../lambda/ride/features.js';

describe('rideFeatures', () => {
  it('builds the course features exactly', () => {
    expect(rideFeatures({ PULocationID: 130, DOLocationID: 205, trip_distance: 3.66 })).toStrictEqual({
      PU_DO: '130_205',
      trip_distance: 3.66,
    });
  });

  it('keeps the distance as given and joins ids without padding', () => {
    const features = rideFeatures({ PULocationID: 7, DOLocationID: 65, trip_distance: 0 });
    expect(features).toStrictEqual({ PU_DO: '7_65', trip_distance: 0 });
    expect(Object.keys(features)).toEqual(['PU_DO', 'trip_distance']);
  });

  it('caches PU_DO strings without ever mixing up pairs (integers, -0, fractions, negatives, huge)', () => {
    const location = fc.oneof(
      fc.integer({ min: 0, max: 300 }),
      fc.integer({ min: 16_000, max: 17_000 }),
      fc.integer(),
      fc.double({ noNaN: true }),
      fc.constantFrom(-0, 0.5, 16_384, 2 ** 53 - 1, -(2 ** 53) + 1),
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(location, location), { maxLength: 20 }), (pairs) => {
        for (const [pickup, dropoff] of pairs) expect(puDo(pickup, dropoff)).toBe(`${pickup}_${dropoff}`);
      }),
      { numRuns: 2_000 },
    );
    expect(puDo(130, 205)).toBe(puDo(130, 205));
  });
});
