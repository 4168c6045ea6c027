/**
 * Shadow scoring: a candidate ("challenger") model scores every valid ride beside the production
 * ("champion") model, and the pairs of predictions are kept for comparison. The shadow never
 * changes the output stream, never fails a batch; its failures are logged and counted.
 */
import type { RecordSpan } from '../sinks/dead-letter.js';
import type { WriteOptions } from '../sinks/types.js';

/** One ride scored by both models: a JSON line of the pairs objects (Athena reads them as a table). */
export interface ShadowPair {
  /** The ride's `ride_id`, as the producer gave it. */
  readonly ride_id: number | string;
  /** The production model's prediction (minutes), as written to the output stream. */
  readonly main_prediction: number;
  /** `version` of the output events (`RUN_ID`, else the production model's version id). */
  readonly main_version: string;
  /** The shadow model's prediction (minutes). */
  readonly shadow_prediction: number;
  /** The shadow model's version id (MLflow run id, else `sha256:<first 12 hex>`; `+recipe:<first 12 hex>` with a recipe file). */
  readonly shadow_version: string;
  /** The record's arrival on the input stream (Kinesis `approximateArrivalTimestamp`), ISO 8601 UTC. */
  readonly arrival_time: string;
  /** Where the record was on the input stream: de-duplicate redelivered batches on these two. */
  readonly shard_id: string;
  readonly sequence_number: string;
}

/** Where the pairs go: one call per invocation with every pair of the batch. */
export interface ShadowPairSink {
  /** Stores every pair or throws; a throw is counted, the main output is not affected. */
  write(pairs: readonly ShadowPair[], span: RecordSpan, options: WriteOptions): Promise<void>;
}

/** How the shadow's predictions differ from the production model's over a set of rides (shadow − main). */
export interface DifferenceStats {
  readonly count: number;
  readonly meanAbsolute: number;
  readonly meanSigned: number;
  /** 95th percentile of the absolute differences (nearest rank). */
  readonly p95Absolute: number;
}

/** What the shadow did in one batch. */
export interface ShadowOutcome {
  readonly version: string;
  /** Rides the shadow scored (each with a pair). */
  readonly scored: number;
  /** Rides valid for the production model that the shadow could not score (a missing field, a throw, a non-finite value). */
  readonly failed: number;
  /** Pairs whose write failed (all of the batch's, or 0). */
  readonly pairWriteFailed: number;
  readonly differences: DifferenceStats;
}
