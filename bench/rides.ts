/**
 * The bench's input: real February 2021 rides as the course's producer writes them, wrapped into a
 * real-shaped Kinesis event.
 *
 * The full month (`../shared`) is used when present; a fresh clone falls back to the bundled
 * 3,000-ride sample, repeated (with fresh ride ids) up to the requested count.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { KinesisStreamEvent } from 'aws-lambda';
import {
  encodeRideEvent,
  isComplete,
  KinesisEventBuilder,
  readRides,
  rideEvent,
  type KinesisRecordInput,
} from '../io/index.js';
import { DEFAULT_SAMPLE } from '../local/constants.js';

/** The full February 2021 month of the reference data, when the checkout sits next to it. */
export const SHARED_FEBRUARY = fileURLToPath(new URL('../../shared/data/green_tripdata_2021-02.parquet', import.meta.url));
export const SAMPLE_FEBRUARY = fileURLToPath(DEFAULT_SAMPLE);

/** Fixed arrival time (2021-02-01T00:00:00Z), so events are the same from run to run. */
const ARRIVAL_TIME = 1_612_137_600;

export interface RideSource {
  /** File the rides come from. */
  readonly path: string;
  /** Distinct rides read from it (the event repeats them when it needs more). */
  readonly distinctRides: number;
}

/** The ride file the bench reads: the full month when available, else the bundled sample. */
export function rideFile(): string {
  return existsSync(SHARED_FEBRUARY) ? SHARED_FEBRUARY : SAMPLE_FEBRUARY;
}

/**
 * `count` Kinesis record inputs of real rides, in file order; ride ids are 0..count-1.
 *
 * @example
 * ```ts
 * const { inputs, source } = await rideInputs(10_000);
 * ```
 */
export async function rideInputs(count: number): Promise<{ inputs: KinesisRecordInput[]; source: RideSource }> {
  const path = rideFile();
  const rides = [];
  for await (const row of readRides(path, { limit: count })) {
    if (isComplete(row)) rides.push(row);
  }
  if (rides.length === 0) throw new Error(`no complete rides in ${path}`);
  const inputs: KinesisRecordInput[] = [];
  for (let id = 0; id < count; id += 1) {
    const event = rideEvent(rides[id % rides.length]!, id);
    inputs.push({ data: encodeRideEvent(event), partitionKey: String(id) });
  }
  return { inputs, source: { path, distinctRides: rides.length } };
}

/** One Kinesis event holding `inputs`, as the event-source mapping would deliver them. */
export function kinesisEvent(inputs: readonly KinesisRecordInput[]): KinesisStreamEvent {
  return new KinesisEventBuilder({ arrivalTime: ARRIVAL_TIME }).event(inputs);
}
