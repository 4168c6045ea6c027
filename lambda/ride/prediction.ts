/**
 * The output event, in the course's shape with keys and nesting unchanged:
 * `{"model": "ride_duration_prediction_model", "version": <RUN_ID>, "prediction": {"ride_duration": <float>, "ride_id": <id>}}`.
 */
import type { RideId } from './schema.js';

export const MODEL_NAME = 'ride_duration_prediction_model';

export interface PredictionEvent {
  readonly model: typeof MODEL_NAME;
  readonly version: string;
  readonly prediction: {
    readonly ride_duration: number;
    readonly ride_id: RideId;
  };
}

export function predictionEvent(version: string, rideId: RideId, rideDuration: number): PredictionEvent {
  return { model: MODEL_NAME, version, prediction: { ride_duration: rideDuration, ride_id: rideId } };
}

/**
 * Returns a serialiser equal to `JSON.stringify(predictionEvent(version, id, duration))` for finite
 * durations, with the constant prefix built once per batch.
 *
 * @example
 * ```ts
 * const serialise = predictionSerializer('run-1');
 * serialise(256, 12.78553032985699);
 * // '{"model":"ride_duration_prediction_model","version":"run-1","prediction":{"ride_duration":12.78553032985699,"ride_id":256}}'
 * ```
 */
export function predictionSerializer(version: string): (rideId: RideId, rideDuration: number) => string {
  const prefix = `{"model":${JSON.stringify(MODEL_NAME)},"version":${JSON.stringify(version)},"prediction":{"ride_duration":`;
  return (rideId, rideDuration) =>
    // JSON writes non-finite numbers as null; String() would not, so only finite ones take the shortcut.
    `${prefix}${Number.isFinite(rideDuration) ? String(rideDuration) : 'null'},"ride_id":${
      typeof rideId === 'number' ? String(rideId) : JSON.stringify(rideId)
    }}}`;
}
