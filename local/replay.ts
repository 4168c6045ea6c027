/**
 * The replay side of the local pipeline: real rides from a TLC file (plus optional poison records)
 * turned into input-stream records, and a paced producer that puts them with the same
 * `PutRecords` batching and retries the Lambda uses for its output.
 */
import { Buffer } from 'node:buffer';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { poisonKindsFor } from '../cli/contract.js';
import { encodeRideEvent, MissingRideColumnError, PoisonMixer, type PoisonKind, readRides, rideEvent, type RideField, WIRE_POISON_KINDS } from '../io/index.js';
import type { RideContract } from '../lambda/model/contract/index.js';
import { decodeRide, RideRejection } from '../lambda/ride/decode.js';
import { actualDurationMinutes } from '../train/data.js';
import { PUT_RECORDS_MAX_ENTRIES, putRecordsReliably } from '../lambda/sinks/kinesis.js';
import type { OutputFailure } from '../lambda/sinks/types.js';

/** One record the pipeline puts on the input stream, and what should become of it. */
export interface ReplayRecord {
  /** Partition key, unique per record: `String(ride_id)` for rides, `poison-<n>` for poison. */
  readonly key: string;
  readonly data: Uint8Array;
  readonly source: 'ride' | 'poison';
  /** Ride: zero-based row of the input file (also its `ride_id`). */
  readonly rowIndex?: number;
  readonly poisonKind?: PoisonKind;
  /**
   * `prediction` for a ride the handler's schema accepts, `dead-letter` for poison and for rows
   * the schema rejects (a TLC row with a missing or negative field is poison to the Lambda too).
   */
  readonly expected: 'prediction' | 'dead-letter';
  /** Ride: its actual duration in minutes (drop-off − pick-up), when the file has both times. */
  readonly actualMinutes?: number;
}

/** Options of {@link loadReplay}. */
export interface ReplayOptions {
  /** Rides to read (default: every ride of the file). */
  readonly count?: number;
  /** Share of poison records mixed in, 0..1 (default 0). */
  readonly poisonFraction?: number;
  /** Seed of the poison placement (default 1). */
  readonly seed?: number;
  /** The model's contract, which decides which rides it can score. */
  readonly contract: RideContract;
  /** A shadow model's contract: the rides also carry the fields it reads (the verdict stays the model's). */
  readonly shadowContract?: RideContract | undefined;
}

/**
 * Reads the rides and mixes in poison, deterministically for a seed.
 *
 * @example
 * ```ts
 * const records = await loadReplay('local/data/green_tripdata_2021-02.sample.csv', { count: 2000, poisonFraction: 0.02, contract });
 * ```
 */
export async function loadReplay(path: string, options: ReplayOptions): Promise<ReplayRecord[]> {
  // The rides carry the fields the model reads (the course's three for the course model), and
  // those a shadow model reads when the file has them: a ride without them is the shadow's
  // scoring failure, not the pipeline's.
  const fields = [...options.contract.requiredFields];
  for (const field of options.shadowContract?.requiredFields ?? []) if (!fields.some((f) => f.name === field.name)) fields.push(field);
  if (fields.length === options.contract.requiredFields.length) return readReplay(path, options, fields);
  try {
    return await readReplay(path, options, fields);
  } catch (error) {
    if (!(error instanceof MissingRideColumnError)) throw error;
    return readReplay(path, options, options.contract.requiredFields);
  }
}

async function readReplay(path: string, options: ReplayOptions, fields: readonly RideField[]): Promise<ReplayRecord[]> {
  // Poison shaped for the model: a valid ride of its fields with one flaw it rejects.
  const mixer = new PoisonMixer({
    fraction: options.poisonFraction ?? 0,
    seed: options.seed ?? 1,
    kinds: poisonKindsFor(options.contract, WIRE_POISON_KINDS),
    fields: options.contract.requiredFields,
  });
  const records: ReplayRecord[] = [];
  const limit = options.count === undefined ? {} : { limit: options.count };
  for await (const row of readRides(path, { ...limit, fields })) {
    const poison = mixer.next();
    if (poison) {
      records.push({ key: poison.partitionKey, data: poison.data, source: 'poison', poisonKind: poison.kind, expected: 'dead-letter' });
    }
    const event = rideEvent(row, row.rideId ?? row.rowIndex, fields);
    const data = encodeRideEvent(event, fields);
    const actual = actualDurationMinutes(row.pickup, row.dropoff);
    const verdict = decodeRide(Buffer.from(data).toString('base64'), options.contract);
    records.push({
      key: String(event.ride_id),
      data,
      source: 'ride',
      rowIndex: row.rowIndex,
      expected: verdict instanceof RideRejection ? 'dead-letter' : 'prediction',
      ...(actual === undefined ? {} : { actualMinutes: actual }),
    });
  }
  return records;
}

/** Options of {@link produce}. */
export interface ProduceOptions {
  /** Records per second; `undefined` or 0: as fast as PutRecords takes them. */
  readonly rate?: number;
  /** Called with each record's key and the time it was handed to PutRecords. */
  readonly onProduced?: (keys: readonly string[], producedAt: number) => void;
  readonly signal?: AbortSignal;
}

/** What {@link produce} did. */
export interface ProduceReport {
  readonly produced: number;
  /** Records PutRecords still refused after its retries (key and last error). */
  readonly failed: readonly { readonly key: string; readonly errorCode: string; readonly errorMessage: string }[];
  readonly durationMs: number;
}

const PUT_BUDGET_MS = 30_000;

/**
 * Puts the records on `streamName` in order, in PutRecords chunks, paced to `rate` records/s.
 */
export async function produce(
  kinesis: KinesisClient,
  streamName: string,
  records: readonly ReplayRecord[],
  options: ProduceOptions = {},
): Promise<ProduceReport> {
  const rate = options.rate && options.rate > 0 ? options.rate : undefined;
  // Paced: about ten PutRecords calls a second; unpaced: full chunks.
  const chunkSize = rate ? Math.max(1, Math.min(PUT_RECORDS_MAX_ENTRIES, Math.ceil(rate / 10))) : PUT_RECORDS_MAX_ENTRIES;
  const started = Date.now();
  const failed: { key: string; errorCode: string; errorMessage: string }[] = [];
  let produced = 0;
  for (let offset = 0; offset < records.length; offset += chunkSize) {
    if (options.signal?.aborted) break;
    if (rate) {
      const due = started + (offset / rate) * 1000;
      const wait = due - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    }
    const chunk = records.slice(offset, offset + chunkSize);
    const producedAt = Date.now();
    const callStarted = producedAt;
    const { failures } = await putRecordsReliably(
      kinesis,
      streamName,
      chunk.map((record) => ({ data: record.data, partitionKey: record.key })),
      { remainingTimeMs: () => PUT_BUDGET_MS - (Date.now() - callStarted) },
    );
    const failedIndexes = new Set(failures.map((failure: OutputFailure) => failure.index));
    for (const failure of failures) {
      const record = chunk[failure.index];
      if (record) failed.push({ key: record.key, errorCode: failure.errorCode, errorMessage: failure.errorMessage });
    }
    const keys = chunk.filter((_, index) => !failedIndexes.has(index)).map((record) => record.key);
    produced += keys.length;
    options.onProduced?.(keys, producedAt);
  }
  return { produced, failed, durationMs: Date.now() - started };
}
