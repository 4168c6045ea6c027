/**
 * One batch's shadow scoring: every ride the production model predicted is scored by the shadow
 * too, and the pairs are written once at the end, beside the output. Nothing here throws into the
 * batch: a ride the shadow cannot score, and a failed write of the pairs, are counted and logged.
 */
import type { KinesisStreamRecord } from 'aws-lambda';
import type { ServableModel } from '../batch.js';
import { shardIdOf } from '../kinesis-record.js';
import type { RideContract, RideField } from '../model/contract/index.js';
import { errorText, type LogSink } from '../log-sink.js';
import type { RideEvent } from '../ride/schema.js';
import type { WriteOptions } from '../sinks/types.js';
import { ArrivalTimes } from './arrival-times.js';
import { differenceStats } from './stats.js';
import type { ShadowOutcome, ShadowPair, ShadowPairSink } from './types.js';

/** A loaded shadow model and where its pairs go. */
export interface Shadow {
  readonly model: ServableModel;
  /** The shadow model's version id. */
  readonly version: string;
  /** `undefined`: the differences are measured (metrics), the pairs not kept. */
  readonly pairs: ShadowPairSink | undefined;
}

/**
 * Scores one batch's rides with the shadow model and keeps the pairs.
 *
 * @example
 * ```ts
 * const shadow = new ShadowBatch({ model: candidate, version: 'sha256:0123456789ab', pairs: undefined }, 'run-1', model.contract);
 * shadow.score(record, event, 12.8);
 * const outcome = await shadow.finish({ remainingTimeMs: () => 5_000 }, log);
 * outcome.differences.meanAbsolute;
 * ```
 */
export class ShadowBatch {
  private readonly contract: RideContract;
  /** The shadow's fields the production contract did not check already. */
  private readonly unchecked: readonly RideField[];
  private readonly encoder: ReturnType<RideContract['encoder']>;
  private readonly pairs: ShadowPair[] = [];
  private readonly mainPredictions: number[] = [];
  private readonly shadowPredictions: number[] = [];
  private shardId: string | undefined;
  private first: KinesisStreamRecord | undefined;
  private last: KinesisStreamRecord | undefined;
  private failed = 0;
  private firstFailure: string | undefined;
  private readonly arrivalTimes = new ArrivalTimes();

  /**
   * @param mainContract the production model's contract, which every ride given to
   *   {@link score} has passed
   */
  constructor(
    private readonly shadow: Shadow,
    private readonly mainVersion: string,
    mainContract: RideContract,
  ) {
    this.contract = shadow.model.contract;
    this.unchecked = this.contract.fieldsBeyond(mainContract);
    this.encoder = this.contract.encoder();
  }

  /** Scores a ride the production model predicted as `mainPrediction`. Never throws. */
  score(record: KinesisStreamRecord, event: RideEvent, mainPrediction: number): void {
    let prediction: number;
    try {
      // The ride passed the production model's contract; the shadow may read fields it does not.
      if (this.unchecked.length > 0) {
        const problem = this.contract.check(event.ride, undefined, this.unchecked);
        if (problem !== undefined) return this.fail(`contract: ${problem}`);
      }
      const n = this.encoder.encode(event.ride);
      prediction = this.shadow.model.predictor.score(this.encoder.cols, this.encoder.vals, n);
    } catch (error) {
      return this.fail(errorText(error));
    }
    if (!Number.isFinite(prediction)) return this.fail(`prediction: the shadow model returned ${prediction}`);
    this.mainPredictions.push(mainPrediction);
    this.shadowPredictions.push(prediction);
    // Without a sink only the differences are kept: no pair to build per ride.
    if (this.shadow.pairs === undefined) return;
    const k = record.kinesis;
    this.first ??= record;
    this.last = record;
    this.pairs.push({
      ride_id: event.ride_id,
      main_prediction: mainPrediction,
      main_version: this.mainVersion,
      shadow_prediction: prediction,
      shadow_version: this.shadow.version,
      arrival_time: this.arrivalTimes.format(k.approximateArrivalTimestamp),
      // A batch comes from one shard.
      shard_id: (this.shardId ??= shardIdOf(record)),
      sequence_number: k.sequenceNumber,
    });
  }

  private fail(reason: string): void {
    this.failed++;
    this.firstFailure ??= reason;
  }

  /** Writes the pairs (when there is a sink) and summarises the batch. Never throws. */
  async finish(options: WriteOptions, log: LogSink): Promise<ShadowOutcome> {
    let pairWriteFailed = 0;
    const sink = this.shadow.pairs;
    if (sink !== undefined && this.first !== undefined && this.last !== undefined) {
      // Let the output's request go out first: the pairs' serialisation must not delay it.
      await new Promise<void>((resolve) => setImmediate(resolve));
      try {
        await sink.write(this.pairs, {
          eventSourceARN: this.first.eventSourceARN,
          shardId: this.shardId ?? shardIdOf(this.first),
          firstSequenceNumber: this.first.kinesis.sequenceNumber,
          lastSequenceNumber: this.last.kinesis.sequenceNumber,
          approximateArrivalTimestamp: this.first.kinesis.approximateArrivalTimestamp,
        }, options);
      } catch (error) {
        pairWriteFailed = this.pairs.length;
        log.error('Shadow pairs could not be written; the output is not affected', { pairs: this.pairs.length, error: errorText(error) });
      }
    }
    if (this.failed > 0) {
      log.error('The shadow model could not score some rides; the output is not affected', {
        failed: this.failed, scored: this.mainPredictions.length, shadowVersion: this.shadow.version, firstFailure: this.firstFailure,
      });
    }
    return {
      version: this.shadow.version,
      scored: this.mainPredictions.length,
      failed: this.failed,
      pairWriteFailed,
      differences: differenceStats(this.mainPredictions, this.shadowPredictions),
    };
  }
}
