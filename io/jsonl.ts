/**
 * JSON-lines ride files: one JSON object per line, either a course ride event
 * (`{"ride": {"PULocationID": 130, "DOLocationID": 205, "trip_distance": 3.66}, "ride_id": 256}`)
 * or a flat row (`{"PULocationID": 130, "DOLocationID": 205, "trip_distance": 3.66, …}`).
 * Blank lines are skipped; a line that is not a JSON object is an error naming the line.
 */
import { RideLineError } from './errors.js';
import { textLines } from './csv.js';
import type { RideSource } from './source.js';
import type { RideRange, RideRow } from './types.js';
import { fieldValues, RIDE_COLUMNS, toRideRow } from './values.js';

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function firstField(record: Record<string, unknown>, names: readonly string[]): unknown {
  for (const name of names) if (Object.hasOwn(record, name)) return record[name];
  return null;
}

/** Reads rides from a JSON-lines file; see {@link readRides}. */
export async function* readJsonlRides(path: string, range: RideRange, source?: RideSource): AsyncGenerator<RideRow> {
  if (range.limit <= 0) return;
  let index = 0;
  const end = range.offset + range.limit;
  for await (const { line, number } of textLines(path, source)) {
    if (index >= range.offset) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch (cause) {
        throw new RideLineError(path, number, `not JSON (${(cause as Error).message})`, { cause });
      }
      if (!isObject(parsed)) throw new RideLineError(path, number, 'not a JSON object');
      const ride = isObject(parsed['ride']) ? parsed['ride'] : parsed;
      const idField = range.idColumn ?? 'ride_id';
      yield toRideRow(index, {
        PULocationID: ride[RIDE_COLUMNS.pickupLocation],
        DOLocationID: ride[RIDE_COLUMNS.dropoffLocation],
        trip_distance: ride[RIDE_COLUMNS.distance],
        pickup: firstField(ride, RIDE_COLUMNS.pickup),
        dropoff: firstField(ride, RIDE_COLUMNS.dropoff),
        rideId: Object.hasOwn(parsed, idField) ? parsed[idField] : null,
        // A line without a field has it missing (`null`): JSON lines have no header to check first.
        fields: fieldValues(range.fields, (name) => (Object.hasOwn(ride, name) ? ride[name] : null)),
      });
    }
    index++;
    if (index >= end) return;
  }
}
