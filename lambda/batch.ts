/**
 * One Kinesis batch: decode → validate → features → predict → output and dead-letter sinks, with
 * the accounting returned as a value.
 *
 * Every record ends in exactly one place: predicted (and written, unless there is no output sink),
 * dead-lettered with a reason, or reported in `batchItemFailures` because its output or dead-letter
 * write failed. `counts.in === predicted + deadLettered + outputFailed + deadLetterFailed` always.
 *
 * ## Checkpoint rule
 * With `ReportBatchItemFailures`, Lambda checkpoints the shard just before the *lowest* failed
 * sequence number and delivers everything from there again, including records that were written
 * successfully after it. Delivery is therefore at-least-once: consumers de-duplicate on
 * `prediction.ride_id` + `version`. Poison records never fail the batch, so they never block the shard.
 */
import type { KinesisStreamBatchItemFailure, KinesisStreamRecord } from 'aws-lambda';
import type { Predictor } from './model/types.js';
import { silentLog, type LogSink } from './observability.js';
import { decodeRideInto, SchemaMismatch } from './ride/decode.js';
import { createRideSlot } from './ride/fast-path.js';
import { PairHandles, puDo } from './ride/features.js';
import { predictionEncoder, predictionEvent, type PredictionEvent } from './ride/prediction.js';
import { OutputBatch } from './sinks/output-batch.js';
import type { RideId } from './ride/schema.js';
import type { DeadLetter, DeadLetterKind, DeadLetterSink, OutputFailure, OutputSink } from './sinks/types.js';

export interface BatchDependencies {
  readonly predictor: Predictor;
  /** `version` of every output event (`RUN_ID`, else the model's version id). */
  readonly version: string;
  /** Output stream; `undefined` under `TEST_RUN`: nothing is written, predictions are only returned. */
  readonly output: OutputSink | undefined;
  readonly deadLetters: DeadLetterSink;
  readonly log?: LogSink;
}

export interface BatchOptions {
  /** Time left for the sinks, net of any safety margin; default: unbounded. */
  readonly remainingTimeMs?: () => number;
}

export interface BatchCounts {
  readonly in: number;
  /** Predicted and written (or returned, without an output sink). */
  readonly predicted: number;
  readonly deadLettered: number;
  /** Predicted, but the output write failed: reported in `batchItemFailures`. */
  readonly outputFailed: number;
  /** Poison, but the dead-letter write failed: reported in `batchItemFailures`. */
  readonly deadLetterFailed: number;
}

/** A record reported in `batchItemFailures`, and why. */
export interface RecordFailure {
  readonly sequenceNumber: string;
  readonly stage: 'output' | 'dead-letter';
  readonly errorCode: string;
  readonly errorMessage: string;
}

export interface BatchOutcome {
  /** For the Lambda response: Lambda retries from the lowest of these sequence numbers. */
  readonly batchItemFailures: KinesisStreamBatchItemFailure[];
  /**
   * Output events written (or, without an output sink, produced), in input order. Built on first
   * read: with an output sink nobody needs them as objects, so the hot path does not allocate them.
   */
  readonly predictions: PredictionEvent[];
  /** Poison records stored in the dead-letter sink, in input order. */
  readonly deadLetters: DeadLetter[];
  readonly failures: RecordFailure[];
  readonly counts: BatchCounts;
}

/** Poison records logged one by one per batch; beyond this only the summary line. */
const MAX_LOGGED_DEAD_LETTERS = 20;

function shardIdOf(record: KinesisStreamRecord): string {
  const colon = record.eventID.indexOf(':');
  return colon > 0 ? record.eventID.slice(0, colon) : record.eventID;
}

function deadLetter(record: KinesisStreamRecord, kind: DeadLetter['kind'], reason: string): DeadLetter {
  const k = record.kinesis;
  return {
    reason,
    kind,
    eventSourceARN: record.eventSourceARN,
    shardId: shardIdOf(record),
    sequenceNumber: k.sequenceNumber,
    partitionKey: k.partitionKey,
    approximateArrivalTimestamp: k.approximateArrivalTimestamp,
    data: k.data,
  };
}

function errorFields(error: unknown): { errorCode: string; errorMessage: string } {
  return error instanceof Error
    ? { errorCode: error.name, errorMessage: error.message }
    : { errorCode: 'UnknownError', errorMessage: String(error) };
}

/** A poison record, its place in the batch and why. */
interface Poison {
  readonly at: number;
  readonly record: KinesisStreamRecord;
  readonly why: { readonly kind: DeadLetterKind; readonly reason: string } | SchemaMismatch;
}

/** The batch's valid rides as columns: ride i came from `records[index[i]]`. */
interface DecodedRides {
  readonly count: number;
  readonly index: Int32Array;
  readonly pickups: Float64Array;
  readonly dropoffs: Float64Array;
  readonly distances: Float64Array;
  readonly rideIds: RideId[];
  /** Records that are not ride events, in input order. */
  readonly poison: Poison[];
}

function decodeRides(records: readonly KinesisStreamRecord[]): DecodedRides {
  const length = records.length;
  const index = new Int32Array(length);
  const pickups = new Float64Array(length);
  const dropoffs = new Float64Array(length);
  const distances = new Float64Array(length);
  const rideIds: RideId[] = [];
  const poison: Poison[] = [];
  const ride = createRideSlot();
  let count = 0;
  for (let at = 0; at < length; at++) {
    const record = records[at]!;
    const rejection = decodeRideInto(record.kinesis.data, ride);
    if (rejection !== undefined) {
      poison.push({ at, record, why: rejection });
      continue;
    }
    index[count] = at;
    pickups[count] = ride.PULocationID;
    dropoffs[count] = ride.DOLocationID;
    distances[count] = ride.trip_distance;
    rideIds.push(ride.ride_id);
    count++;
  }
  return { count, index, pickups, dropoffs, distances, rideIds, poison };
}

/** A predictor with the course rows' two-step scoring. */
type RidePredictor = Predictor & Required<Pick<Predictor, 'rideHandle' | 'predictRide'>>;

function hasRideScoring(predictor: Predictor): predictor is RidePredictor {
  return typeof predictor.rideHandle === 'function' && typeof predictor.predictRide === 'function';
}

/** Each predictor's handles of the pairs it has met, kept across batches (and gone with it). */
const pairHandles = new WeakMap<Predictor, PairHandles>();

function pairHandlesOf(predictor: RidePredictor): PairHandles {
  let handles = pairHandles.get(predictor);
  if (handles === undefined) {
    handles = new PairHandles((text) => predictor.rideHandle(text));
    pairHandles.set(predictor, handles);
  }
  return handles;
}

/** Ride i's predicted duration at i: the features of `rideFeatures()`, straight from the columns. */
function scoreRides(predictor: Predictor, rides: DecodedRides): Float64Array {
  const { count, pickups, dropoffs, distances } = rides;
  const scores = new Float64Array(count);
  if (hasRideScoring(predictor)) {
    const handles = pairHandlesOf(predictor);
    for (let i = 0; i < count; i++) scores[i] = predictor.predictRide(handles.get(pickups[i]!, dropoffs[i]!), distances[i]!);
    return scores;
  }
  // One row object refilled per ride: predictOne keeps no reference to it.
  const row = { PU_DO: '', trip_distance: 0 };
  for (let i = 0; i < count; i++) {
    row.PU_DO = puDo(pickups[i]!, dropoffs[i]!);
    row.trip_distance = distances[i]!;
    scores[i] = predictor.predictOne(row);
  }
  return scores;
}

/**
 * Processes one batch of Kinesis records.
 *
 * Throws only if the predictor itself throws (a bug, not bad input), or if the code that explains
 * schema failures cannot be loaded: then no record is acknowledged and Lambda retries the whole batch.
 *
 * @example
 * ```ts
 * const outcome = await processBatch(event.Records, {
 *   predictor, version: 'run-1', output: undefined, deadLetters: new MemoryDeadLetterSink(),
 * });
 * outcome.predictions[0]; // { model: 'ride_duration_prediction_model', version: 'run-1', prediction: { ... } }
 * outcome.counts;         // { in: 1, predicted: 1, deadLettered: 0, outputFailed: 0, deadLetterFailed: 0 }
 * ```
 */
export async function processBatch(
  records: readonly KinesisStreamRecord[],
  deps: BatchDependencies,
  options: BatchOptions = {},
): Promise<BatchOutcome> {
  const { predictor, version, output } = deps;
  const log = deps.log ?? silentLog;
  const remainingTimeMs = options.remainingTimeMs ?? (() => Number.POSITIVE_INFINITY);
  const encoder = predictionEncoder(version);

  const outputs = new OutputBatch(output === undefined ? 1 : records.length);
  const rides = decodeRides(records);
  // Poison in input order, made into dead letters after the passes: a schema failure is put into
  // words by zod (ride/validation.ts), loaded only when a batch has one.
  const poison = rides.poison;

  // Three tight passes over typed columns (decode above, then score, then encode) rather than one
  // loop doing all three per record: each loop is small enough for the JIT to inline all of its
  // callees, and it keeps fewer tables warm at a time. Measured on 10,000 course records: 23–27 % less
  // time than the single loop (BENCHMARKS.md). Per valid record nothing is allocated but a numeric
  // id's text (the partition key): the decode fills the columns without allocating
  // (ride/fast-path.ts), each pick-up/drop-off pair's features are looked up once (`PairHandles`,
  // ride/features.ts), and the output JSON is encoded straight into one buffer, reused from batch to
  // batch (ride/prediction.ts, sinks/output-batch.ts).
  const durations = scoreRides(predictor, rides);

  // The rides with a finite duration, compacted in place in the columns (k ≤ i: nothing is
  // overwritten before it is read): predicted ride k is (rideIds[k], durations[k]) from
  // records[from[k]], and so is output record k. Sequence numbers are looked up only for failed
  // writes, the event objects built only if read (see BatchOutcome).
  const { rideIds, index: from } = rides;
  const poisonBefore = poison.length;
  let predicted = 0;
  for (let i = 0; i < rides.count; i++) {
    const duration = durations[i]!;
    const at = from[i]!;
    if (!Number.isFinite(duration)) {
      poison.push({ at, record: records[at]!, why: { kind: 'prediction', reason: `prediction: the model returned ${duration} for this ride` } });
      continue;
    }
    const rideId = rideIds[i]!;
    durations[predicted] = duration;
    rideIds[predicted] = rideId;
    from[predicted] = at;
    predicted++;
    if (output !== undefined) outputs.addEncoded(encoder, rideId, duration, typeof rideId === 'number' ? String(rideId) : rideId);
  }
  rideIds.length = predicted;
  if (poison.length > poisonBefore) poison.sort((a, b) => a.at - b.at);

  const explain = poison.some(({ why }) => why instanceof SchemaMismatch) ? (await import('./ride/validation.js')).explainMismatch : undefined;
  const letters = poison.map(({ record, why }) =>
    why instanceof SchemaMismatch ? deadLetter(record, 'schema', explain!(why).reason) : deadLetter(record, why.kind, why.reason),
  );

  const failures: RecordFailure[] = [];
  const writeOptions = { remainingTimeMs };

  const writeOutput = async (): Promise<readonly OutputFailure[]> => {
    if (output === undefined || outputs.length === 0) return [];
    try {
      return await output.write(outputs, writeOptions);
    } catch (error) {
      const { errorCode, errorMessage } = errorFields(error);
      return Array.from({ length: outputs.length }, (_, index) => ({ index, errorCode, errorMessage }));
    }
  };
  const writeDeadLetters = async (): Promise<unknown> => {
    if (letters.length === 0) return undefined;
    try {
      await deps.deadLetters.write(letters, writeOptions);
      return undefined;
    } catch (error) {
      return error ?? new Error('dead-letter write failed');
    }
  };
  const [outputFailures, deadLetterError] = await Promise.all([writeOutput(), writeDeadLetters()]);
  // Both writes have settled (neither throws): nothing reads the output bytes any more.
  outputs.release();

  const failed = new Set<number>();
  if (outputFailures.length > 0) {
    for (const failure of outputFailures) {
      if (failed.has(failure.index)) continue;
      failed.add(failure.index);
      failures.push({
        sequenceNumber: records[from[failure.index]!]!.kinesis.sequenceNumber,
        stage: 'output',
        errorCode: failure.errorCode,
        errorMessage: failure.errorMessage,
      });
    }
    log.error('Output write failed for some records; reporting them in batchItemFailures', {
      failed: failed.size,
      written: rideIds.length - failed.size,
      errorCodes: [...new Set(outputFailures.map((failure) => failure.errorCode))],
      firstError: outputFailures[0]?.errorMessage,
    });
  }

  let stored: DeadLetter[] = letters;
  if (deadLetterError !== undefined) {
    const { errorCode, errorMessage } = errorFields(deadLetterError);
    for (const letter of letters) {
      failures.push({ sequenceNumber: letter.sequenceNumber, stage: 'dead-letter', errorCode, errorMessage });
    }
    stored = [];
    log.error('Dead-letter write failed; reporting the poison records in batchItemFailures', {
      records: letters.length, errorCode, errorMessage,
    });
  }
  for (const letter of letters.slice(0, MAX_LOGGED_DEAD_LETTERS)) {
    log.warn('Poison record', {
      reason: letter.reason, kind: letter.kind, shardId: letter.shardId, sequenceNumber: letter.sequenceNumber,
      deadLettered: deadLetterError === undefined,
    });
  }

  const outputFailed = failures.length - (deadLetterError === undefined ? 0 : letters.length);
  const counts: BatchCounts = {
    in: records.length,
    predicted: rideIds.length - failed.size,
    deadLettered: stored.length,
    outputFailed,
    deadLetterFailed: letters.length - stored.length,
  };
  if (letters.length > 0) log.info('Batch had poison records', { ...counts, logged: Math.min(letters.length, MAX_LOGGED_DEAD_LETTERS) });

  let predictions: PredictionEvent[] | undefined;
  return {
    batchItemFailures: failures.map((failure) => ({ itemIdentifier: failure.sequenceNumber })),
    get predictions(): PredictionEvent[] {
      if (predictions === undefined) {
        predictions = [];
        for (let index = 0; index < rideIds.length; index++) {
          if (!failed.has(index)) predictions.push(predictionEvent(version, rideIds[index]!, durations[index]!));
        }
      }
      return predictions;
    },
    deadLetters: stored,
    failures,
    counts,
  };
}
