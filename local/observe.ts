/**
 * The observing side of the local pipeline: prediction events read back from the output stream,
 * dead letters read back from the dead-letter bucket, both exactly as a consumer would see them.
 */
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { KinesisStreamEvent } from 'aws-lambda';
import type { PredictionEvent } from '../lambda/ride/prediction.js';
import type { ShadowPair } from '../lambda/shadow/types.js';
import type { DeadLetter } from '../lambda/sinks/types.js';
import { LocalEventSourceMapping } from './event-source-mapping.js';

/** One prediction event as read from the output stream. */
export interface ObservedPrediction {
  readonly event: PredictionEvent;
  /** `String(prediction.ride_id)`, the key the producer used. */
  readonly key: string;
  /** When the reader got it (ms since the epoch). */
  readonly readAt: number;
  readonly shardId: string;
  readonly sequenceNumber: string;
}

/** Output records that were not prediction events (should never happen; counted, not thrown). */
export interface UnreadableOutput {
  readonly sequenceNumber: string;
  readonly error: string;
}

function isPredictionEvent(value: unknown): value is PredictionEvent {
  if (typeof value !== 'object' || value === null) return false;
  const prediction = (value as { prediction?: unknown }).prediction;
  if (typeof prediction !== 'object' || prediction === null) return false;
  const { ride_duration: duration, ride_id: id } = prediction as Record<string, unknown>;
  return typeof duration === 'number' && (typeof id === 'number' || typeof id === 'string');
}

/**
 * Reads every shard of the output stream from TRIM_HORIZON; the polling is the same event-source
 * mapping the function gets, here feeding a collector instead of the handler.
 */
export class PredictionReader {
  readonly predictions: ObservedPrediction[] = [];
  readonly unreadable: UnreadableOutput[] = [];
  private readonly mapping: LocalEventSourceMapping;

  constructor(
    kinesis: KinesisClient,
    stream: { readonly name: string; readonly arn: string },
    private readonly onPredictions?: (batch: readonly ObservedPrediction[]) => void,
  ) {
    this.mapping = new LocalEventSourceMapping({
      kinesis,
      streamName: stream.name,
      streamArn: stream.arn,
      batchSize: 10_000,
      pollIntervalMs: 50,
      functionName: 'local-prediction-reader',
      handler: async (event) => {
        this.collect(event);
        return { batchItemFailures: [] };
      },
    });
  }

  start(): Promise<void> {
    return this.mapping.start();
  }

  stop(): Promise<void> {
    return this.mapping.stop();
  }

  /** Everything on the output stream before this time has been read (see the mapping's `caughtUpSince`). */
  caughtUpSince(): number | undefined {
    return this.mapping.caughtUpSince();
  }

  private collect(event: KinesisStreamEvent): void {
    const readAt = Date.now();
    const batch: ObservedPrediction[] = [];
    for (const record of event.Records) {
      const { sequenceNumber } = record.kinesis;
      try {
        const value: unknown = JSON.parse(Buffer.from(record.kinesis.data, 'base64').toString('utf8'));
        if (!isPredictionEvent(value)) throw new Error('not a prediction event');
        batch.push({
          event: value,
          key: String(value.prediction.ride_id),
          readAt,
          shardId: record.eventID.split(':')[0] ?? '',
          sequenceNumber,
        });
      } catch (error) {
        this.unreadable.push({ sequenceNumber, error: error instanceof Error ? error.message : String(error) });
      }
    }
    this.predictions.push(...batch);
    this.onPredictions?.(batch);
  }
}

/**
 * Every dead letter stored under `prefix` in `bucket` (one JSON-lines object per batch).
 *
 * @example
 * ```ts
 * const letters = await readDeadLetters(s3, 'ride-dead-letters', 'dead-letters/');
 * ```
 */
export function readDeadLetters(s3: S3Client, bucket: string, prefix: string): Promise<DeadLetter[]> {
  return readJsonLines<DeadLetter>(s3, bucket, prefix);
}

/**
 * Every shadow pair stored under `prefix` in `bucket` (one JSON-lines object per batch).
 *
 * @example
 * ```ts
 * const pairs = await readShadowPairs(s3, 'ride-dead-letters', 'shadow/');
 * ```
 */
export function readShadowPairs(s3: S3Client, bucket: string, prefix: string): Promise<ShadowPair[]> {
  return readJsonLines<ShadowPair>(s3, bucket, prefix);
}

/** Every line of every object under `prefix`, parsed. */
async function readJsonLines<T>(s3: S3Client, bucket: string, prefix: string): Promise<T[]> {
  const letters: T[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    for (const object of page.Contents ?? []) {
      if (!object.Key) continue;
      const { Body } = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: object.Key }));
      const text = (await Body?.transformToString('utf8')) ?? '';
      for (const line of text.split('\n')) {
        if (line.trim() !== '') letters.push(JSON.parse(line) as T);
      }
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return letters;
}
