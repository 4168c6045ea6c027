import { HeadObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { Logger } from '@aws-lambda-powertools/logger';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DEAD_LETTER_CONTENT_TYPE, deadLetterKey, deadLettersToJsonLines, S3DeadLetterSink } from '../../lambda/sinks/dead-letter.js';
import { LogDeadLetterSink, MAX_LOGGED_DATA_CHARS } from '../../lambda/sinks/log.js';
import type { DeadLetter } from '../../lambda/sinks/types.js';
import { sequenceNumber, TEST_SHARD_ID, TEST_STREAM_ARN } from '../support/events.js';
import { RecordingLog } from '../support/log.js';
import { createBucket, readObjects, startS3rver, type RunningS3rver } from '../support/services.js';

function letter(index: number, data = 'bm90IGpzb24='): DeadLetter {
  return {
    reason: 'invalid JSON: Unexpected token',
    kind: 'json',
    eventSourceARN: TEST_STREAM_ARN,
    shardId: TEST_SHARD_ID,
    sequenceNumber: sequenceNumber(index),
    partitionKey: String(index),
    approximateArrivalTimestamp: 1_764_028_800.5,
    data,
  };
}

describe('dead-letter objects', () => {
  it('are named after stream, shard, arrival day and sequence range, so a retried batch rewrites its object', () => {
    const letters = [letter(3), letter(9)];
    expect(deadLetterKey('dead-letters/', letters)).toBe(
      `dead-letters/dt=2025-11-25/ride_events/${TEST_SHARD_ID}/${sequenceNumber(3)}-${sequenceNumber(9)}.jsonl`,
    );
    expect(deadLetterKey('dead-letters/', [letter(3), letter(9)])).toBe(deadLetterKey('dead-letters/', letters));
    expect(deadLetterKey('', [{ ...letter(1), eventSourceARN: undefined, approximateArrivalTimestamp: Number.NaN }])).toMatch(/^dt=unknown\/unknown-stream\//);
    expect(() => deadLetterKey('p/', [])).toThrow();
  });

  it('hold one JSON object per line with the raw data', () => {
    const text = deadLettersToJsonLines([letter(1), letter(2, 'eA==')]);
    expect(text.endsWith('\n')).toBe(true);
    expect(text.trimEnd().split('\n').map((line) => JSON.parse(line) as DeadLetter)).toEqual([letter(1), letter(2, 'eA==')]);
  });
});

describe('S3DeadLetterSink (s3rver)', () => {
  let s3: RunningS3rver;
  let client: S3Client;
  beforeAll(async () => {
    s3 = await startS3rver();
    client = s3.client;
    await createBucket(s3.client, 'dlq');
  });
  afterAll(async () => {
    await s3?.dispose();
  });

  it('writes one object per call as JSON lines, also without a deadline', async () => {
    const sink = new S3DeadLetterSink({ client, bucket: 'dlq', prefix: 'poison/' });
    await sink.write([letter(1), letter(2)], { remainingTimeMs: () => Number.POSITIVE_INFINITY });
    await sink.write([], { remainingTimeMs: () => 1_000 });
    const objects = await readObjects(s3.client, 'dlq', 'poison/');
    const key = deadLetterKey('poison/', [letter(1), letter(2)]);
    expect(objects.map((o) => o.key)).toEqual([key]);
    expect(objects[0]!.body).toBe(deadLettersToJsonLines([letter(1), letter(2)]));
    const head = await s3.client.send(new HeadObjectCommand({ Bucket: 'dlq', Key: key }));
    expect(head.ContentType).toBe(DEAD_LETTER_CONTENT_TYPE);
  });

  it('a redelivered batch rewrites its object; non-ASCII data arrives byte for byte', async () => {
    const sink = new S3DeadLetterSink({ client, bucket: 'dlq', prefix: 'again/' });
    const letters = [{ ...letter(5), reason: 'schema: ride_id: ünïcödé 🚕' }];
    await sink.write(letters, { remainingTimeMs: () => 5_000 });
    await sink.write(letters, { remainingTimeMs: () => 5_000 });
    const objects = await readObjects(s3.client, 'dlq', 'again/');
    expect(objects).toEqual([{ key: deadLetterKey('again/', letters), body: deadLettersToJsonLines(letters) }]);
  });

  it('throws when the bucket does not exist', async () => {
    const sink = new S3DeadLetterSink({ client, bucket: 'missing', prefix: '' });
    await expect(sink.write([letter(1)], { remainingTimeMs: () => 5_000 })).rejects.toMatchObject({ name: 'NoSuchBucket' });
  });
});

describe('LogDeadLetterSink', () => {
  it('logs every letter in full at error level', async () => {
    const log = new RecordingLog();
    await new LogDeadLetterSink(log).write([letter(1), letter(2)]);
    expect(log.at('error').map((e) => e.fields.deadLetter)).toEqual([letter(1), letter(2)]);
  });

  it('cuts a letter whose data would not fit a CloudWatch log event (256 KB), saying so and how long it was', async () => {
    // A 1 MiB record is 1,398,104 base64 characters.
    const huge = letter(3, 'QUFB'.repeat(349_526));
    const logger = new Logger({ serviceName: 'ride-duration-stream', logLevel: 'ERROR' });
    const lines: string[] = [];
    // Powertools writes ERROR lines to stderr (one line per log event).
    const capture = (chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    };
    vi.spyOn(process.stdout, 'write').mockImplementation(capture);
    vi.spyOn(process.stderr, 'write').mockImplementation(capture);
    try {
      await new LogDeadLetterSink(logger).write([huge, letter(4, 'A'.repeat(MAX_LOGGED_DATA_CHARS))]);
    } finally {
      vi.restoreAllMocks();
    }
    const events = lines.join('').trimEnd().split('\n');
    expect(events).toHaveLength(2);
    for (const event of events) expect(Buffer.byteLength(event)).toBeLessThan(256 * 1024 - 26);
    const [cut, whole] = events.map((event) => (JSON.parse(event) as { deadLetter: Record<string, unknown> }).deadLetter);
    expect(cut).toEqual({ ...huge, data: huge.data.slice(0, MAX_LOGGED_DATA_CHARS), truncated: true, dataLength: 1_398_104 });
    // At the limit a letter is logged whole, without the flag.
    expect(whole).toEqual(letter(4, 'A'.repeat(MAX_LOGGED_DATA_CHARS)));
  });
});
