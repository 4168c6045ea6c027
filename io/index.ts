/**
 * Ride files in and out, shared by `cli/`, `local/` and `bench/`.
 *
 * Reading — {@link readRides} streams {@link RideRow}s from TLC parquet (any codec, one row group
 * at a time), CSV or JSON-lines (course ride events or flat rows); missing/invalid fields are
 * `null`, never dropped. Times are naive wall-clock epoch ms ({@link formatNaiveTimestamp}).
 * `fields` asks for the ride fields a model needs (its contract's `requiredFields`): each row then
 * carries them in `row.fields`, and a file lacking one of their columns is refused up front.
 *
 * ```ts
 * import { readRides, isComplete } from '../io/index.js';
 * for await (const ride of readRides('green_tripdata_2021-02.parquet', { limit: 2000 })) {
 *   if (isComplete(ride)) use(ride.PULocationID, ride.DOLocationID, ride.trip_distance);
 * }
 * ```
 *
 * Writing — {@link formatCsvLine} and {@link formatPythonFloat} (Python `repr`, as the golden
 * files print floats), {@link csvInt} for integer cells; files through {@link fileSink}.
 *
 * Stream records — {@link rideEvent} + {@link encodeRideEvent} give the course's input record
 * bytes (as Python `json.dumps` writes them), carrying a model's fields when given them; {@link KinesisEventBuilder} / {@link buildKinesisEvent}
 * wrap payloads into a real-shaped `KinesisStreamEvent`; {@link PoisonMixer} / {@link makePoison}
 * make deterministic poison records (bad base64, bad UTF-8, not JSON, NaN, schema violations).
 *
 * ```ts
 * const builder = new KinesisEventBuilder({ arrivalTime: 1612137600 });
 * const mixer = new PoisonMixer({ fraction: 0.1, seed: 42 });
 * const inputs = [];
 * for await (const ride of readRides(path, { limit: 100 })) {
 *   const poison = mixer.next();
 *   if (poison) inputs.push(poison);
 *   const event = rideEvent(ride);
 *   inputs.push({ data: encodeRideEvent(event), partitionKey: String(event.ride_id) });
 * }
 * const kinesisEvent = builder.event(inputs);
 * ```
 *
 * @packageDocumentation
 */
export type { RideFormat, RideRow, ReadRidesOptions, RideFileInfo, RideField, RideFieldValue } from './types.js';
export { RideFileError, UnsupportedRideFormatError, MissingRideColumnError, RideLineError } from './errors.js';
export { readRides, readRideBatches, detectRideFormat, rideFileInfo } from './read.js';
export { COURSE_RIDE_FIELDS, isComplete, REQUIRED_COLUMNS, RIDE_COLUMNS } from './values.js';
export { parseNaiveTimestamp, formatNaiveTimestamp } from './timestamps.js';
export { formatPythonFloat, formatCsvCell, formatCsvLine, csvInt } from './format.js';
export type { CsvValue, CsvInteger, CsvTimestamp } from './format.js';
export { fileSource, httpSource, parseS3Url, isHttpUrl, isS3Url, localFileProblem } from './source.js';
export type { RideSource } from './source.js';
export { fileSink } from './sink.js';
export type { ByteSink } from './sink.js';
export { plannedColumns } from './values.js';
export { splitCsvLine } from './csv.js';
export { rideEvent, dumpsRideEvent, encodeRideEvent } from './ride-event.js';
export type { RideEvent } from './ride-event.js';
export { KinesisEventBuilder, buildKinesisEvent, streamArn, KINESIS_EVENT_DEFAULTS } from './kinesis-event.js';
export type { KinesisRecordInput, KinesisEventOptions } from './kinesis-event.js';
export { PoisonMixer, makePoison, seededRandom, POISON_KINDS, WIRE_POISON_KINDS } from './poison.js';
export type { PoisonKind, PoisonRecord, PoisonMixOptions } from './poison.js';
export { rideStreamRecords } from './ride-records.js';
export type { RideStreamRecord, RideStreamRecordsOptions } from './ride-records.js';
