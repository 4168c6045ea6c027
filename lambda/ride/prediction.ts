/**
 * The output event, in the course's shape with keys and nesting unchanged:
 * `{"model": "ride_duration_prediction_model", "version": <RUN_ID>, "prediction": {"ride_duration": <float>, "ride_id": <id>}}`.
 */
import { writeAscii, writeNumberText, writeSmallInteger } from './number-text.js';
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
 * durations, with the constant prefix encoded once: the output is built once per record on the hot path.
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

const utf8 = new TextEncoder();

/** Most bytes {@link PredictionEncoder.encodeInto} can need beyond the ride id's own JSON. */
const NUMBER_TEXT_MAX = 32;

export interface PredictionEncoder {
  /** Upper bound of the bytes `encodeInto` writes for this ride id. */
  maxBytes(rideId: RideId): number;
  /**
   * Writes the UTF-8 JSON of the event into `target` at `offset`, byte for byte what
   * {@link predictionSerializer} gives; returns the offset after it.
   */
  encodeInto(target: Uint8Array, offset: number, rideId: RideId, rideDuration: number): number;
}

const RIDE_ID_KEY_BYTES = 11;

/**
 * Writes `,"ride_id":` at `at`; returns the offset after it. Eleven stores rather than
 * `target.set(bytes, at)`: a call into the runtime costs eight times as much for so few bytes.
 */
function writeRideIdKey(target: Uint8Array, at: number): number {
  target[at] = 0x2c; // ,
  target[at + 1] = 0x22; // "
  target[at + 2] = 0x72; // r
  target[at + 3] = 0x69; // i
  target[at + 4] = 0x64; // d
  target[at + 5] = 0x65; // e
  target[at + 6] = 0x5f; // _
  target[at + 7] = 0x69; // i
  target[at + 8] = 0x64; // d
  target[at + 9] = 0x22; // "
  target[at + 10] = 0x3a; // :
  return at + RIDE_ID_KEY_BYTES;
}

/**
 * The output event written straight into a byte buffer, without building and then encoding a string
 * (flattening and encoding a concatenated string costs more than the rest of a record's output).
 * Equal to `Buffer.from(predictionSerializer(version)(id, duration))`, held so by a property test.
 */
export function predictionEncoder(version: string): PredictionEncoder {
  const prefix = utf8.encode(`{"model":${JSON.stringify(MODEL_NAME)},"version":${JSON.stringify(version)},"prediction":{"ride_duration":`);
  const fixed = prefix.length + RIDE_ID_KEY_BYTES + 2 + NUMBER_TEXT_MAX;
  return {
    maxBytes: (rideId) => fixed + (typeof rideId === 'number' ? NUMBER_TEXT_MAX : 6 * rideId.length + 2),
    encodeInto(target, offset, rideId, rideDuration) {
      target.set(prefix, offset);
      // JSON.stringify's text of the number, written without a string (ride/number-text.ts): no call
      // into the runtime, nothing to collect, and V8's number-to-string cache, which this stream of
      // distinct doubles would only churn, is not involved.
      let at = writeNumberText(target, offset + prefix.length, rideDuration);
      at = writeRideIdKey(target, at);
      if (typeof rideId === 'number') {
        at = rideId === (rideId & 0x7fffffff) ? writeSmallInteger(target, at, rideId) : writeAscii(target, at, String(rideId));
      } else {
        at += utf8.encodeInto(JSON.stringify(rideId), target.subarray(at)).written;
      }
      target[at] = 0x7d; // }
      target[at + 1] = 0x7d;
      return at + 2;
    },
  };
}
