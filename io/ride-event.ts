/**
 * The course's ride event, the input record of the stream:
 * `{"ride": {"PULocationID": 130, "DOLocationID": 205, "trip_distance": 3.66}, "ride_id": 256}`.
 * Its `ride` carries the fields a model needs (its contract's `requiredFields`), by default the
 * course model's three; the bytes are those the course's Python producer (`json.dumps`) would write.
 */
import { formatPythonFloat } from './format.js';
import type { RideField, RideFieldValue, RideRow } from './types.js';
import { COURSE_RIDE_FIELDS, RIDE_COLUMNS } from './values.js';

/** A ride event as the producer puts it on the input stream. */
export interface RideEvent {
  /** Field name → value, in the order of the fields it was built for. */
  readonly ride: Readonly<Record<string, RideFieldValue>>;
  readonly ride_id: string | number;
}

/** A course field's value from a row read without it among its `fields`. */
function courseValue(row: RideRow, name: string): RideFieldValue {
  if (name === RIDE_COLUMNS.pickupLocation) return row.PULocationID;
  if (name === RIDE_COLUMNS.dropoffLocation) return row.DOLocationID;
  if (name === RIDE_COLUMNS.distance) return row.trip_distance;
  return null;
}

/**
 * The ride event for a row, carrying `fields` (default: the course's); the id is the row's own
 * id, else `rideId`, else its row index. Missing fields stay `null` (the handler then
 * dead-letters the record as a schema violation, which is what a broken producer would cause).
 *
 * @example
 * const fields = model.contract.requiredFields; // the homework model: PULocationID, DOLocationID
 * dumpsRideEvent(rideEvent(row, 256, fields), fields); // '{"ride": {"PULocationID": 130, "DOLocationID": 205}, "ride_id": 256}'
 */
export function rideEvent(
  row: RideRow,
  rideId: string | number = row.rideId ?? row.rowIndex,
  fields: readonly RideField[] = COURSE_RIDE_FIELDS,
): RideEvent {
  const ride = Object.fromEntries(
    fields.map((field) => [field.name, Object.hasOwn(row.fields, field.name) ? (row.fields[field.name] ?? null) : courseValue(row, field.name)]),
  );
  return { ride, ride_id: rideId };
}

/** Python's `json.dumps` of a string (`ensure_ascii`: anything outside space…`~` escaped as `\uXXXX`). */
function dumpsString(text: string): string {
  return JSON.stringify(text).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function dumpsNumber(value: number | null, float: boolean): string {
  if (value === null || !Number.isFinite(value)) return 'null';
  return float ? formatPythonFloat(value) : String(value);
}

/** A field's value as the producer writes it; a value that is not of the field's type is `null`. */
function dumpsValue(field: RideField, value: RideFieldValue | undefined): string {
  switch (field.type) {
    case 'integer':
      return typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : 'null';
    case 'number':
      return typeof value === 'number' ? dumpsNumber(value, true) : 'null';
    case 'text':
    case 'timestamp':
      return typeof value === 'string' ? dumpsString(value) : 'null';
  }
}

function dumpsId(value: string | number): string {
  return typeof value === 'string' ? dumpsString(value) : dumpsNumber(value, !Number.isInteger(value));
}

/**
 * Serialises a ride event byte-for-byte as the course's Python producer does
 * (`json.dumps(event)`: `", "` and `": "` separators, floats in `repr` form such as `3.0`,
 * integers as integers, texts and timestamps as strings), writing `fields` in their order.
 *
 * @example
 * dumpsRideEvent({ ride: { PULocationID: 130, DOLocationID: 205, trip_distance: 3.66 }, ride_id: 256 });
 * // '{"ride": {"PULocationID": 130, "DOLocationID": 205, "trip_distance": 3.66}, "ride_id": 256}'
 */
export function dumpsRideEvent(event: RideEvent, fields: readonly RideField[] = COURSE_RIDE_FIELDS): string {
  const ride = fields.map((field) => `${dumpsString(field.name)}: ${dumpsValue(field, event.ride[field.name])}`).join(', ');
  return `{"ride": {${ride}}, "ride_id": ${dumpsId(event.ride_id)}}`;
}

/** {@link dumpsRideEvent} as UTF-8 bytes, ready to be a Kinesis record's data. */
export function encodeRideEvent(event: RideEvent, fields: readonly RideField[] = COURSE_RIDE_FIELDS): Buffer {
  return Buffer.from(dumpsRideEvent(event, fields), 'utf8');
}
