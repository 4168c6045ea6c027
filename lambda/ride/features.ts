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
  return { PU_DO: puDo(ride.PULocationID, ride.DOLocationID), trip_distance: ride.trip_distance };
}

/** Location ids below 2^14 (NYC has 265 zones) are cached; any other value is formatted each time. */
const CACHED_LOCATION_MASK = 0x3fff;
/** Most `PU_DO` strings kept; the cache starts over past this (265² = 70,225 pairs exist). */
const MAX_CACHED_PAIRS = 80_000;
let pairTexts = new Map<number, string>();

/**
 * `"<PU>_<DO>"`, the same string object for the same pair while it is cached: no number-to-text
 * conversions per record, and the vectorizer's lookup reuses the string's cached hash.
 *
 * @example
 * ```ts
 * puDo(130, 205); // '130_205'
 * ```
 */
export function puDo(pickup: number, dropoff: number): string {
  // True only for integers in [0, 2^14) (and -0, whose text is "0" too): one slot per pair.
  if (pickup === (pickup & CACHED_LOCATION_MASK) && dropoff === (dropoff & CACHED_LOCATION_MASK)) {
    const slot = (pickup << 14) | dropoff;
    let text = pairTexts.get(slot);
    if (text === undefined) {
      text = `${pickup}_${dropoff}`;
      if (pairTexts.size >= MAX_CACHED_PAIRS) pairTexts = new Map();
      pairTexts.set(slot, text);
    }
    return text;
  }
  return `${pickup}_${dropoff}`;
}
