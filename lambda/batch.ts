/**
 * One Kinesis batch: decode → check against the model's contract → encode → predict → output and
 * dead-letter sinks, with the accounting returned as a value.
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
import { shardIdOf } from './kinesis-record.js';
import { UnseenTally, type UnseenValues } from './model/contract/index.js';

export type { UnseenValues };
import type { LoadedModel } from './model/types.js';
import { silentLog, type LogSink } from './log-sink.js';
import { decodeRide, RideRejection } from './ride/decode.js';
import { predictionEvent, predictionSerializer, type PredictionEvent } from './ride/prediction.js';
import type { RideId } from './ride/schema.js';
import { ShadowBatch, type Shadow } from './shadow/batch.js';
import type { ShadowOutcome } from './shadow/types.js';
import { OutputBatch } from './sinks/output-batch.js';
import type { DeadLetter, DeadLetterSink, OutputFailure, OutputSink } from './sinks/types.js';

/** The parts of a loaded model a batch uses: its predictor and its contract. */
export type ServableModel = Pick<LoadedModel, 'predictor' | 'contract'>;

export interface BatchDependencies {
  readonly model: ServableModel;
  /** `version` of every output event (`RUN_ID`, else the model's version id). */
  readonly version: string;
  /** Output stream; `undefined` under `TEST_RUN`: nothing is written, predictions are only returned. */
  readonly output: OutputSink | undefined;
  readonly deadLetters: DeadLetterSink;
  readonly log?: LogSink;
  /**
   * A candidate model scoring every predicted ride beside this one; its pairs are written with the
   * output. It changes nothing in the output, the dead letters or the accounting.
   */
  readonly shadow?: Shadow | undefined;
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
  /** Output events written (or, without an output sink, produced), in input order; built on first read. */
  readonly predictions: PredictionEvent[];
  /** Poison records stored in the dead-letter sink, in input order. */
  readonly deadLetters: DeadLetter[];
  readonly failures: RecordFailure[];
  readonly counts: BatchCounts;
  readonly unseen: UnseenValues;
  /** What the shadow model did, when there is one. */
  readonly shadow?: ShadowOutcome;
}

/** Poison records logged one by one per batch; beyond this only the summary line. */
const MAX_LOGGED_DEAD_LETTERS = 20;

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

/** A predicted ride: output record i of the batch. */
interface Predicted {
  readonly record: KinesisStreamRecord;
  readonly rideId: RideId;
  readonly duration: number;
}

/**
 * Processes one batch of Kinesis records.
 *
 * Throws only if the predictor itself throws (a bug, not bad input): then no record is acknowledged
 * and Lambda retries the whole batch.
 *
 * @example
 * ```ts
 * const outcome = await processBatch(event.Records, {
 *   model, version: 'run-1', output: undefined, deadLetters: new MemoryDeadLetterSink(),
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
  const { model, version, output } = deps;
  const log = deps.log ?? silentLog;
  const remainingTimeMs = options.remainingTimeMs ?? (() => Number.POSITIVE_INFINITY);
  const serialize = predictionSerializer(version);
  const encoder = model.contract.encoder();
  const shadow = deps.shadow === undefined ? undefined : new ShadowBatch(deps.shadow, version, model.contract);

  const outputs = new OutputBatch();
  const predicted: Predicted[] = [];
  const letters: DeadLetter[] = [];
  // Rides scored with a one-hot value the model never saw: scored as sklearn scores them (the
  // feature dropped), and counted (drift).
  const unseen = new UnseenTally();
  for (const record of records) {
    const event = decodeRide(record.kinesis.data, model.contract);
    if (event instanceof RideRejection) {
      letters.push(deadLetter(record, event.kind, event.reason));
      continue;
    }
    const n = encoder.encode(event.ride);
    const duration = model.predictor.score(encoder.cols, encoder.vals, n);
    if (!Number.isFinite(duration)) {
      letters.push(deadLetter(record, 'prediction', `prediction: the model returned ${duration} for this ride`));
      continue;
    }
    unseen.add(encoder.unseen);
    const rideId = event.ride_id;
    predicted.push({ record, rideId, duration });
    shadow?.score(record, event, duration);
    if (output !== undefined) outputs.add(serialize(rideId, duration), String(rideId));
  }

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
  // The shadow's pairs go beside the output; `finish` never throws.
  const [outputFailures, deadLetterError, shadowOutcome] = await Promise.all([
    writeOutput(), writeDeadLetters(), shadow?.finish(writeOptions, log),
  ]);

  const failed = new Set<number>();
  if (outputFailures.length > 0) {
    for (const failure of outputFailures) {
      if (failed.has(failure.index)) continue;
      failed.add(failure.index);
      failures.push({
        sequenceNumber: predicted[failure.index]!.record.kinesis.sequenceNumber,
        stage: 'output',
        errorCode: failure.errorCode,
        errorMessage: failure.errorMessage,
      });
    }
    log.error('Output write failed for some records; reporting them in batchItemFailures', {
      failed: failed.size,
      written: predicted.length - failed.size,
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

  const counts: BatchCounts = {
    in: records.length,
    predicted: predicted.length - failed.size,
    deadLettered: stored.length,
    outputFailed: failed.size,
    deadLetterFailed: letters.length - stored.length,
  };
  if (letters.length > 0) log.info('Batch had poison records', { ...counts, logged: Math.min(letters.length, MAX_LOGGED_DEAD_LETTERS) });
  if (unseen.rides > 0) {
    log.warn('Rides with feature values the model never saw (scored without them, as scikit-learn does)', {
      rides: unseen.rides, of: predicted.length, sample: unseen.sample,
    });
  }

  let predictions: PredictionEvent[] | undefined;
  return {
    batchItemFailures: failures.map((failure) => ({ itemIdentifier: failure.sequenceNumber })),
    // Built on first read: with an output sink nobody needs the events as objects.
    get predictions(): PredictionEvent[] {
      predictions ??= predicted.filter((_, index) => !failed.has(index)).map(({ rideId, duration }) => predictionEvent(version, rideId, duration));
      return predictions;
    },
    deadLetters: stored,
    failures,
    counts,
    unseen: { rides: unseen.rides, sample: unseen.sample },
    ...(shadowOutcome === undefined ? {} : { shadow: shadowOutcome }),
  };
}
