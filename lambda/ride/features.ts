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
/** Most pairs a cache keeps; it starts over past this (265² = 70,225 pairs exist). */
const MAX_CACHED_PAIRS = 80_000;
let pairTexts = new Map<number, string>();

/**
 * The pair's slot in a cache, or -1 for a pair not cached: only integers in [0, 2^14) have one
 * (and -0, whose text is "0" too, shares 0's).
 */
function slotOf(pickup: number, dropoff: number): number {
  const cached = pickup === (pickup & CACHED_LOCATION_MASK) && dropoff === (dropoff & CACHED_LOCATION_MASK);
  return cached ? (pickup << 14) | dropoff : -1;
}

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
  const slot = slotOf(pickup, dropoff);
  if (slot >= 0) {
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

/**
 * A predictor's answer about each pair's `PU_DO`, asked once per pair: `handleOf(puDo(pickup,
 * dropoff))` (the predictor's `rideHandle`). Why: on the hot path a ride then costs one lookup by
 * an integer instead of the PU_DO string's two (its text, then its column); measured in
 * BENCHMARKS.md.
 *
 * @example
 * ```ts
 * const handles = new PairHandles((text) => predictor.rideHandle!(text));
 * predictor.predictRide!(handles.get(130, 205), 3.66);
 * ```
 */
export class PairHandles {
  private handles = new Map<number, number>();

  constructor(private readonly handleOf: (puDo: string) => number) {}

  get(pickup: number, dropoff: number): number {
    const slot = slotOf(pickup, dropoff);
    if (slot < 0) return this.handleOf(puDo(pickup, dropoff));
    let handle = this.handles.get(slot);
    if (handle === undefined) {
      handle = this.handleOf(puDo(pickup, dropoff));
      if (this.handles.size >= MAX_CACHED_PAIRS) this.handles = new Map();
      this.handles.set(slot, handle);
    }
    return handle;
  }
}
