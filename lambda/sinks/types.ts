/**
 * Where a batch's results go. The handler wires Kinesis and S3; tests, the local pipeline and the
 * CLI pass other sinks (memory) to the same batch processor.
 */
import type { RejectionKind } from '../ride/decode.js';
import type { OutputBatch } from './output-batch.js';

/** Why a record was dead-lettered: a {@link RejectionKind} of its data, or a model output that is not a finite number. */
export type DeadLetterKind = RejectionKind | 'prediction';

/** One output record, ready for `PutRecords`. */
export interface OutputRecord {
  /** UTF-8 JSON of the prediction event. */
  readonly data: Uint8Array;
  /** `String(ride_id)`. */
  readonly partitionKey: string;
}

/** An output record that could not be written, by its index in the batch or array given to the sink. */
export interface OutputFailure {
  readonly index: number;
  /** Kinesis error code (`ProvisionedThroughputExceededException`, `ResourceNotFoundException`, …) or `DeadlineExceeded`. */
  readonly errorCode: string;
  readonly errorMessage: string;
}

/** Time budget for a sink call: it must return (not throw) before this runs out. */
export interface WriteOptions {
  /** Milliseconds left for this write, already net of the handler's safety margin. */
  readonly remainingTimeMs: () => number;
}

/** Output stream. */
export interface OutputSink {
  /**
   * Writes the records and reports the ones that still failed after its retries.
   * Should not throw; if it does, every record of the call counts as failed.
   */
  write(batch: OutputBatch, options: WriteOptions): Promise<readonly OutputFailure[]>;
}

/** A poison record as it is dead-lettered: everything needed to inspect and replay it. */
export interface DeadLetter {
  /** What was wrong, specific to the record (e.g. `schema: ride.trip_distance: expected a finite number`). */
  readonly reason: string;
  readonly kind: DeadLetterKind;
  readonly eventSourceARN: string | undefined;
  readonly shardId: string;
  readonly sequenceNumber: string;
  readonly partitionKey: string;
  /** Seconds since the epoch, as Kinesis gives it. */
  readonly approximateArrivalTimestamp: number;
  /** The record's data exactly as received (base64). */
  readonly data: string;
}

/** Dead-letter store. */
export interface DeadLetterSink {
  /** Stores all letters durably or throws; on a throw every letter of the call is reported failed. */
  write(letters: readonly DeadLetter[], options: WriteOptions): Promise<void>;
}
