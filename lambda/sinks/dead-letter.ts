/**
 * Dead letters in S3: one JSON-lines object per batch, one line per poison record.
 *
 * Why S3 rather than SQS: a Kinesis record holds up to 1 MiB and its base64 is a third larger, beyond
 * SQS's 256 KiB message limit; S3 has no practical size limit, costs next to nothing at rest, can be
 * queried in place with Athena (the `dt=` prefix is a partition), and runs locally as s3rver.
 *
 * The key is derived from the letters themselves (stream, shard, first and last sequence number), so
 * a batch that Lambda delivers again rewrites the same object instead of adding a copy.
 */
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { DeadLetter, DeadLetterSink, WriteOptions } from './types.js';

/** Longest a dead-letter write may take, whatever the remaining time. */
export const MAX_WRITE_MS = 30_000;

export const DEAD_LETTER_CONTENT_TYPE = 'application/x-ndjson';

export interface S3DeadLetterSinkOptions {
  /** `createS3Client()` (`aws-clients.ts`). */
  readonly client: S3Client;
  readonly bucket: string;
  /** Key prefix ending in `/`, e.g. `dead-letters/`. */
  readonly prefix: string;
}

function streamName(arn: string | undefined): string {
  const name = arn?.split(':stream/')[1];
  return name === undefined || name === '' ? 'unknown-stream' : name;
}

/** The input-stream span one object's lines come from: it names the object. */
export interface RecordSpan {
  readonly eventSourceARN: string | undefined;
  readonly shardId: string;
  readonly firstSequenceNumber: string;
  readonly lastSequenceNumber: string;
  /** Seconds since the epoch, of the first record (the `dt=` partition, UTC). */
  readonly approximateArrivalTimestamp: number;
}

/**
 * `<prefix>dt=<YYYY-MM-DD>/<stream>/<shardId>/<firstSeq>-<lastSeq>.jsonl`: derived from the span
 * alone, so a redelivered batch rewrites its object instead of adding a copy. Dead letters and
 * shadow pairs are both named this way.
 */
export function spanKey(prefix: string, span: RecordSpan): string {
  const arrival = new Date(span.approximateArrivalTimestamp * 1000);
  const day = Number.isNaN(arrival.getTime()) ? 'unknown' : arrival.toISOString().slice(0, 10);
  const safe = (part: string): string => part.replace(/[^A-Za-z0-9._=-]/g, '_');
  return `${prefix}dt=${day}/${safe(streamName(span.eventSourceARN))}/${safe(span.shardId)}/${safe(span.firstSequenceNumber)}-${safe(span.lastSequenceNumber)}.jsonl`;
}

/** {@link spanKey} of a batch's letters, the date being the first letter's arrival day (UTC). */
export function deadLetterKey(prefix: string, letters: readonly DeadLetter[]): string {
  const first = letters[0];
  const last = letters[letters.length - 1];
  if (first === undefined || last === undefined) throw new Error('no dead letters to name an object after');
  return spanKey(prefix, {
    eventSourceARN: first.eventSourceARN,
    shardId: first.shardId,
    firstSequenceNumber: first.sequenceNumber,
    lastSequenceNumber: last.sequenceNumber,
    approximateArrivalTimestamp: first.approximateArrivalTimestamp,
  });
}

/** One JSON object per line, each a {@link DeadLetter}. */
export function deadLettersToJsonLines(letters: readonly DeadLetter[]): string {
  let text = '';
  for (const letter of letters) text += `${JSON.stringify(letter)}\n`;
  return text;
}

/** {@link DeadLetterSink} writing one S3 object per call. */
export class S3DeadLetterSink implements DeadLetterSink {
  constructor(private readonly options: S3DeadLetterSinkOptions) {}

  /** @throws when the object could not be written (the batch then reports those records failed). */
  async write(letters: readonly DeadLetter[], options: WriteOptions): Promise<void> {
    if (letters.length === 0) return;
    const { client, bucket, prefix } = this.options;
    const put = new PutObjectCommand({
      Bucket: bucket,
      Key: deadLetterKey(prefix, letters),
      Body: deadLettersToJsonLines(letters),
      ContentType: DEAD_LETTER_CONTENT_TYPE,
    });
    // Ends the call, the SDK's retries included. A finite whole number of milliseconds, also when there is no deadline.
    await client.send(put, { abortSignal: AbortSignal.timeout(Math.max(1, Math.floor(Math.min(options.remainingTimeMs(), MAX_WRITE_MS)))) });
  }
}
