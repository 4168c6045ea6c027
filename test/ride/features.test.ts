import { describe, expect, it } from 'vitest';
import { rideFeatures } from '../../lambda/ride/features.js';

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
});
