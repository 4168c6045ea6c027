/**
 * The course's ride event, the input record of the stream:
 * `{"ride": {"PULocationID": 130, "DOLocationID": 205, "trip_distance": 3.66}, "ride_id": 256}`.
 */
import { formatPythonFloat } from './format.js';
import type { RideRow } from './types.js';

/** A ride event as the producer puts it on the input stream. */
export interface RideEvent {
  readonly ride: {
    readonly PULocationID: number | null;
    readonly DOLocationID: number | null;
    readonly trip_distance: number | null;
  };
  readonly ride_id: string | number;
}

/**
 * The ride event for a row; the id is the row's own id, else `rideId`, else its row index.
 * Missing fields stay `null` (the handler then dead-letters the record as a schema violation,
 * which is what a broken producer would cause).
 */
export function rideEvent(row: RideRow, rideId: string | number = row.rideId ?? row.rowIndex): RideEvent {
  return {
    ride: { PULocationID: row.PULocationID, DOLocationID: row.DOLocationID, trip_distance: row.trip_distance },
    ride_id: rideId,
  };
}

function dumpsNumber(value: number | null, float: boolean): string {
  if (value === null || !Number.isFinite(value)) return 'null';
  return float ? formatPythonFloat(value) : String(value);
}

function dumpsId(value: string | number): string {
  return typeof value === 'string' ? JSON.stringify(value) : dumpsNumber(value, !Number.isInteger(value));
}

/**
 * Serialises a ride event byte-for-byte as the course's Python producer does
 * (`json.dumps(event)`: `", "` and `": "` separators, floats in `repr` form such as `3.0`).
 *
 * @example
 * dumpsRideEvent({ ride: { PULocationID: 130, DOLocationID: 205, trip_distance: 3.66 }, ride_id: 256 });
 * // '{"ride": {"PULocationID": 130, "DOLocationID": 205, "trip_distance": 3.66}, "ride_id": 256}'
 */
export function dumpsRideEvent(event: RideEvent): string {
  const { ride } = event;
  return (
    `{"ride": {"PULocationID": ${dumpsNumber(ride.PULocationID, false)}, ` +
    `"DOLocationID": ${dumpsNumber(ride.DOLocationID, false)}, ` +
    `"trip_distance": ${dumpsNumber(ride.trip_distance, true)}}, "ride_id": ${dumpsId(event.ride_id)}}`
  );
}

/** {@link dumpsRideEvent} as UTF-8 bytes, ready to be a Kinesis record's data. */
export function encodeRideEvent(event: RideEvent): Buffer {
  return Buffer.from(dumpsRideEvent(event), 'utf8');
}
