/**
 * Builds real-shaped `KinesisStreamEvent`s (what Lambda's event source mapping delivers) for
 * local invocations, sample event files and the local pipeline.
 */
import type { KinesisStreamEvent, KinesisStreamRecord } from 'aws-lambda';

/** Defaults of a local, fake-but-valid AWS identity (the documentation account id). */
export const KINESIS_EVENT_DEFAULTS = {
  region: 'us-east-1',
  accountId: '123456789012',
  streamName: 'ride_events',
  shardId: 'shardId-000000000000',
  invokeIdentityArn: 'arn:aws:iam::123456789012:role/lambda-kinesis-role',
  /** A 56-digit sequence number in the style Kinesis hands out (they start with 49…). */
  firstSequenceNumber: 49630081666084879290581185630324770398608704880802529282n,
  /** Gap between consecutive sequence numbers; any increasing values are valid. */
  sequenceStep: 4_294_967_296n,
} as const;

/** `arn:aws:kinesis:<region>:<account>:stream/<name>`. */
export function streamArn(
  streamName: string,
  region: string = KINESIS_EVENT_DEFAULTS.region,
  accountId: string = KINESIS_EVENT_DEFAULTS.accountId,
): string {
  return `arn:aws:kinesis:${region}:${accountId}:stream/${streamName}`;
}

/** One record to wrap: its payload and partition key. */
export interface KinesisRecordInput {
  /** The record's bytes (text is UTF-8 encoded). */
  readonly data: Uint8Array | string;
  readonly partitionKey: string;
  /**
   * The exact `kinesis.data` string to put in the event instead of base64(data): how a
   * bad-base64 poison record is represented (the wire itself cannot carry one).
   */
  readonly base64?: string;
}

/** Options of {@link buildKinesisEvent} / {@link KinesisEventBuilder}. */
export interface KinesisEventOptions {
  readonly region?: string;
  readonly accountId?: string;
  readonly streamName?: string;
  readonly shardId?: string;
  readonly invokeIdentityArn?: string;
  /** First sequence number (decimal string or bigint). */
  readonly firstSequenceNumber?: bigint | string;
  /** Arrival time of the first record, epoch seconds; default now. */
  readonly arrivalTime?: number;
  /** Seconds between consecutive arrivals; default 0.001. */
  readonly arrivalStep?: number;
}

/**
 * Turns payloads into Kinesis stream records with increasing sequence numbers and arrival
 * times, all on one shard. Keep one builder per shard to continue its sequence.
 *
 * @example
 * const builder = new KinesisEventBuilder({ arrivalTime: 1612137600 });
 * const event = builder.event([{ data: '{"ride": {...}, "ride_id": 1}', partitionKey: '1' }]);
 */
export class KinesisEventBuilder {
  readonly #options: Required<Omit<KinesisEventOptions, 'firstSequenceNumber' | 'accountId' | 'streamName'>> & {
    eventSourceARN: string;
  };
  #sequence: bigint;
  #arrivalMs: number;

  constructor(options: KinesisEventOptions = {}) {
    const region = options.region ?? KINESIS_EVENT_DEFAULTS.region;
    this.#options = {
      region,
      shardId: options.shardId ?? KINESIS_EVENT_DEFAULTS.shardId,
      invokeIdentityArn: options.invokeIdentityArn ?? KINESIS_EVENT_DEFAULTS.invokeIdentityArn,
      arrivalTime: options.arrivalTime ?? Date.now() / 1000,
      arrivalStep: options.arrivalStep ?? 0.001,
      eventSourceARN: streamArn(
        options.streamName ?? KINESIS_EVENT_DEFAULTS.streamName,
        region,
        options.accountId ?? KINESIS_EVENT_DEFAULTS.accountId,
      ),
    };
    this.#sequence = BigInt(options.firstSequenceNumber ?? KINESIS_EVENT_DEFAULTS.firstSequenceNumber);
    // Whole milliseconds, as Kinesis reports them.
    this.#arrivalMs = Math.round(this.#options.arrivalTime * 1000);
  }

  /** The next record of this shard. */
  record(input: KinesisRecordInput): KinesisStreamRecord {
    const sequenceNumber = this.#sequence.toString();
    this.#sequence += KINESIS_EVENT_DEFAULTS.sequenceStep;
    const approximateArrivalTimestamp = this.#arrivalMs / 1000;
    this.#arrivalMs += Math.round(this.#options.arrivalStep * 1000);
    const data =
      input.base64 ??
      (typeof input.data === 'string' ? Buffer.from(input.data, 'utf8') : Buffer.from(input.data)).toString('base64');
    return {
      kinesis: {
        kinesisSchemaVersion: '1.0',
        partitionKey: input.partitionKey,
        sequenceNumber,
        data,
        approximateArrivalTimestamp,
      },
      eventSource: 'aws:kinesis',
      eventVersion: '1.0',
      eventID: `${this.#options.shardId}:${sequenceNumber}`,
      eventName: 'aws:kinesis:record',
      invokeIdentityArn: this.#options.invokeIdentityArn,
      awsRegion: this.#options.region,
      eventSourceARN: this.#options.eventSourceARN,
    };
  }

  /** An event holding the next records of this shard, in order. */
  event(inputs: Iterable<KinesisRecordInput>): KinesisStreamEvent {
    return { Records: Array.from(inputs, (input) => this.record(input)) };
  }
}

/**
 * One `KinesisStreamEvent` from payloads (a fresh {@link KinesisEventBuilder}).
 *
 * @example
 * buildKinesisEvent([{ data: encodeRideEvent(rideEvent(row)), partitionKey: '256' }], { arrivalTime: 1654161514.132 });
 */
export function buildKinesisEvent(inputs: Iterable<KinesisRecordInput>, options: KinesisEventOptions = {}): KinesisStreamEvent {
  return new KinesisEventBuilder(options).event(inputs);
}
