/**
 * Shadow pairs in S3: one JSON-lines object per batch, under `shadow/dt=…/` of the dead-letter
 * bucket, named as dead letters are (`spanKey`), so that a redelivered batch rewrites its object.
 */
import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { DEAD_LETTER_CONTENT_TYPE, MAX_WRITE_MS, spanKey, type RecordSpan } from '../sinks/dead-letter.js';
import type { WriteOptions } from '../sinks/types.js';
import type { ShadowPair, ShadowPairSink } from './types.js';

export interface S3ShadowPairSinkOptions {
  /** `createS3Client()` (`aws-clients.ts`). */
  readonly client: S3Client;
  readonly bucket: string;
  /** Key prefix ending in `/`, e.g. `shadow/`. */
  readonly prefix: string;
}

const json = (value: string | number): string => (typeof value === 'number' ? String(value) : JSON.stringify(value));

/**
 * One JSON object per line, each a {@link ShadowPair}, equal to `JSON.stringify(pair)` per line:
 * built by hand because it runs once per ride beside the output. A batch's versions and shard
 * repeat, so their JSON is made once per change; predictions are finite, so `String` is JSON's number;
 * an arrival time is ISO 8601 or a number's text, neither of which JSON escapes.
 */
export function pairsToJsonLines(pairs: readonly ShadowPair[]): string {
  let text = '';
  let mainVersion = '';
  let shadowVersion = '';
  let shard = '';
  let versionsOf: ShadowPair | undefined;
  for (const pair of pairs) {
    if (
      versionsOf === undefined ||
      pair.main_version !== versionsOf.main_version ||
      pair.shadow_version !== versionsOf.shadow_version ||
      pair.shard_id !== versionsOf.shard_id
    ) {
      versionsOf = pair;
      mainVersion = `,"main_version":${json(pair.main_version)},"shadow_prediction":`;
      shadowVersion = `,"shadow_version":${json(pair.shadow_version)},"arrival_time":"`;
      shard = `","shard_id":${json(pair.shard_id)},"sequence_number":`;
    }
    text +=
      `{"ride_id":${json(pair.ride_id)},"main_prediction":${String(pair.main_prediction)}${mainVersion}${String(pair.shadow_prediction)}` +
      `${shadowVersion}${pair.arrival_time}${shard}${json(pair.sequence_number)}}\n`;
  }
  return text;
}

/**
 * {@link ShadowPairSink} writing one S3 object per batch.
 *
 * @example
 * ```ts
 * const sink = new S3ShadowPairSink({ client: createS3Client(), bucket: 'dead-letters', prefix: 'shadow/' });
 * ```
 */
export class S3ShadowPairSink implements ShadowPairSink {
  constructor(private readonly options: S3ShadowPairSinkOptions) {}

  async write(pairs: readonly ShadowPair[], span: RecordSpan, options: WriteOptions): Promise<void> {
    if (pairs.length === 0) return;
    const { client, bucket, prefix } = this.options;
    const put = new PutObjectCommand({ Bucket: bucket, Key: spanKey(prefix, span), Body: pairsToJsonLines(pairs), ContentType: DEAD_LETTER_CONTENT_TYPE });
    await client.send(put, { abortSignal: AbortSignal.timeout(Math.max(1, Math.floor(Math.min(options.remainingTimeMs(), MAX_WRITE_MS)))) });
  }
}
