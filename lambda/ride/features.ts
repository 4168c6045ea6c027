/**
 * Ride → model features, exactly as the course's `prepare_features`:
 * `{"PU_DO": "<PU>_<DO>", "trip_distance": <float>}`.
 */
import type { Ride } from './schema.js';

// A type alias, not an interface: it must be assignable to the model's `FeatureDict` index signature.
export type RideFeatures = {
  readonly PU_DO: string;
  readonly trip_distance: number;
};

/**
 * @example
 * ```ts
 * rideFeatures({ PULocationID: 130, DOLocationID: 205, trip_distance: 3.66 });
 * // { PU_DO: '130_205', trip_distance: 3.66 }
 * ```
 */
export function rideFeatures(ride: Ride): RideFeatures {
  return { PU_DO: `${ride.PULocationID}_${ride.DOLocationID}`, trip_distance: ride.trip_distance };
}
