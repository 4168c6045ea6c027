/**
 * PutRecords chunking and retries. Faults that kinesalite cannot produce (partial failures,
 * throttling, access denied) are injected with aws-sdk-client-mock.
 */
import { KinesisClient, PutRecordsCommand, type PutRecordsCommandInput } from '@aws-sdk/client-kinesis';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import {
  chunkRecords,
  KinesisOutputSink,
  PUT_RECORDS_MAX_BYTES,
  putRecordsReliably,
} from '../../lambda/sinks/kinesis.js';
import { OutputBatch } from '../../lambda/sinks/output-batch.js';
import type { OutputRecord } from '../../lambda/sinks/types.js';
import { RecordingLog } from '../support/log.js';

const kinesisMock = mockClient(KinesisClient);
afterEach(() => kinesisMock.reset());

function records(n: number, bytes = 20): OutputRecord[] {
  return Array.from({ length: n }, (_, i) => ({
    data: Buffer.from(String(i).padEnd(bytes, '.')),
    partitionKey: String(i),
  }));
}

/** Keys of the entries of the i-th PutRecords call. */
function callKeys(i: number): string[] {
  const input = kinesisMock.commandCalls(PutRecordsCommand)[i]!.args[0].input as PutRecordsCommandInput;
  return (input.Records ?? []).map((entry) => entry.PartitionKey!);
}

const noSleep = { sleep: async () => undefined, random: () => 0.5 };
const unbounded = { remainingTimeMs: () => 60_000, ...noSleep };

function succeedAll(input: PutRecordsCommandInput) {
  return { FailedRecordCount: 0, Records: (input.Records ?? []).map((_, i) => ({ SequenceNumber: String(i), ShardId: 'shardId-000000000000' })) };
}

function serviceError(name: string, status: number): Error {
  return Object.assign(new Error(`${name} for test`), { name, $metadata: { httpStatusCode: status }, $fault: status >= 500 ? 'server' : 'client' });
}

describe('chunkRecords', () => {
  it('splits at 500 entries', () => {
    expect(chunkRecords(records(1_201)).map((chunk) => chunk.length)).toEqual([500, 500, 201]);
  });

  it('splits at 5 MiB counting data and partition key bytes', () => {
    const big = Array.from({ length: 12 }, (_, i) => ({ data: new Uint8Array(1_000_000), partitionKey: `key-${i}` }));
    const chunks = chunkRecords(big);
    expect(chunks.map((chunk) => chunk.length)).toEqual([5, 5, 2]);
    for (const chunk of chunks) {
      const size = chunk.reduce((sum, i) => sum + big[i]!.data.byteLength + big[i]!.partitionKey.length, 0);
      expect(size).toBeLessThanOrEqual(PUT_RECORDS_MAX_BYTES);
    }
    // exactly 5 MiB fits in one call
    const exact = [{ data: new Uint8Array(PUT_RECORDS_MAX_BYTES - 1), partitionKey: 'k' }];
    expect(chunkRecords(exact)).toEqual([[0]]);
  });
});

describe('putRecordsReliably', () => {
  it('writes all records in chunks of at most 500', async () => {
    kinesisMock.on(PutRecordsCommand).callsFake(succeedAll);
    const report = await putRecordsReliably(new KinesisClient({}), 'out', records(1_100), unbounded);
    expect(report.failures).toEqual([]);
    expect(report.calls).toBe(3);
    const sizes = kinesisMock.commandCalls(PutRecordsCommand).map((call) => call.args[0].input.Records!.length);
    expect(sizes.sort()).toEqual([100, 500, 500]);
    const allKeys = [0, 1, 2].flatMap(callKeys).sort((a, b) => Number(a) - Number(b));
    expect(allKeys).toEqual(Array.from({ length: 1_100 }, (_, i) => String(i)));
  });

  it('retries only the failed entries, then succeeds', async () => {
    kinesisMock
      .on(PutRecordsCommand)
      .resolvesOnce({
        FailedRecordCount: 2,
        Records: [
          { SequenceNumber: '1', ShardId: 's' },
          { ErrorCode: 'ProvisionedThroughputExceededException', ErrorMessage: 'Rate exceeded for shard' },
          { SequenceNumber: '3', ShardId: 's' },
          { ErrorCode: 'InternalFailure', ErrorMessage: 'Internal service failure.' },
        ],
      })
      .callsFake(succeedAll);
    const report = await putRecordsReliably(new KinesisClient({}), 'out', records(4), unbounded);
    expect(report).toEqual({ failures: [], calls: 2, retriedEntries: 2 });
    expect(callKeys(0)).toEqual(['0', '1', '2', '3']);
    expect(callKeys(1)).toEqual(['1', '3']);
  });

  it('does not retry entries with a non-retryable error code', async () => {
    kinesisMock.on(PutRecordsCommand).resolvesOnce({
      FailedRecordCount: 1,
      Records: [{ SequenceNumber: '1', ShardId: 's' }, { ErrorCode: 'KMSAccessDeniedException', ErrorMessage: 'denied' }],
    });
    const report = await putRecordsReliably(new KinesisClient({}), 'out', records(2), unbounded);
    expect(report.calls).toBe(1);
    expect(report.failures).toEqual([{ index: 1, errorCode: 'KMSAccessDeniedException', errorMessage: 'denied' }]);
  });

  it('retries whole-call throttling with capped exponential backoff and full jitter', async () => {
    const throttled = serviceError('ProvisionedThroughputExceededException', 400);
    kinesisMock.on(PutRecordsCommand).rejectsOnce(throttled).rejectsOnce(throttled).rejectsOnce(throttled).rejectsOnce(throttled).callsFake(succeedAll);
    const delays: number[] = [];
    const report = await putRecordsReliably(new KinesisClient({}), 'out', records(3), {
      remainingTimeMs: () => 60_000,
      sleep: async (ms) => void delays.push(ms),
      random: () => 1,
      retry: { baseDelayMs: 100, maxDelayMs: 500 },
    });
    expect(report.failures).toEqual([]);
    expect(report.calls).toBe(5);
    expect(delays).toEqual([100, 200, 400, 500]);
  });

  it('the jitter varies with the random source: each wait is random() times its cap', async () => {
    const throttled = serviceError('ProvisionedThroughputExceededException', 400);
    kinesisMock.on(PutRecordsCommand).rejectsOnce(throttled).rejectsOnce(throttled).rejectsOnce(throttled).rejectsOnce(throttled).callsFake(succeedAll);
    const draws = [0.25, 0.5, 0.75, 0.1];
    const delays: number[] = [];
    const report = await putRecordsReliably(new KinesisClient({}), 'out', records(3), {
      remainingTimeMs: () => 60_000,
      sleep: async (ms) => void delays.push(ms),
      random: () => draws[delays.length] ?? 0,
      retry: { baseDelayMs: 100, maxDelayMs: 500 },
    });
    expect(report.failures).toEqual([]);
    // Caps 100, 200, 400, 500; without the jitter every wait would be its cap.
    expect(delays).toEqual([25, 100, 300, 50]);
  });

  it('gives up at maxAttempts and reports the last error for every unwritten record', async () => {
    kinesisMock.on(PutRecordsCommand).callsFake((input: PutRecordsCommandInput) => ({
      FailedRecordCount: 1,
      Records: (input.Records ?? []).map((entry) =>
        entry.PartitionKey === '1'
          ? { ErrorCode: 'ProvisionedThroughputExceededException', ErrorMessage: 'Rate exceeded' }
          : { SequenceNumber: '9', ShardId: 's' },
      ),
    }));
    const report = await putRecordsReliably(new KinesisClient({}), 'out', records(3), { ...unbounded, retry: { maxAttempts: 3 } });
    expect(report.calls).toBe(3);
    expect(report.failures).toHaveLength(1);
    expect(report.failures[0]).toMatchObject({ index: 1, errorCode: 'ProvisionedThroughputExceededException' });
    expect(report.failures[0]!.errorMessage).toMatch(/gave up after 3 attempts/);
  });

  it('stops retrying when the remaining time runs out', async () => {
    kinesisMock.on(PutRecordsCommand).rejects(serviceError('ProvisionedThroughputExceededException', 400));
    let now = 1_000;
    const report = await putRecordsReliably(new KinesisClient({}), 'out', records(10), {
      remainingTimeMs: () => now,
      sleep: async (ms) => void (now -= ms),
      random: () => 1,
    });
    expect(report.failures).toHaveLength(10);
    expect(report.failures.every((f) => f.errorCode === 'ProvisionedThroughputExceededException')).toBe(true);
    expect(report.failures[0]!.errorMessage).toMatch(/deadline/);
    expect(now).toBeGreaterThan(0);
    expect(report.calls).toBeLessThan(10);
  });

  it('accepts a fractional remaining time (AbortSignal.timeout takes whole milliseconds)', async () => {
    kinesisMock.on(PutRecordsCommand).callsFake(succeedAll);
    const report = await putRecordsReliably(new KinesisClient({}), 'out', records(2), { ...noSleep, remainingTimeMs: () => 1_234.567 });
    expect(report).toMatchObject({ failures: [], calls: 1 });
  });

  it('works without a deadline (infinite remaining time)', async () => {
    kinesisMock.on(PutRecordsCommand).callsFake(succeedAll);
    const report = await putRecordsReliably(new KinesisClient({}), 'out', records(2), { ...noSleep, remainingTimeMs: () => Number.POSITIVE_INFINITY });
    expect(report).toMatchObject({ failures: [], calls: 1 });
  });

  it('makes no call at all when there is no time left', async () => {
    kinesisMock.on(PutRecordsCommand).callsFake(succeedAll);
    const report = await putRecordsReliably(new KinesisClient({}), 'out', records(3), { ...noSleep, remainingTimeMs: () => 10 });
    expect(report.calls).toBe(0);
    expect(report.failures.map((f) => f.errorCode)).toEqual(['DeadlineExceeded', 'DeadlineExceeded', 'DeadlineExceeded']);
  });

  it.each([
    ['ResourceNotFoundException', 400],
    ['AccessDeniedException', 400],
  ])('fails every record at once on %s, and logs it', async (name, status) => {
    kinesisMock.on(PutRecordsCommand).rejects(serviceError(name, status));
    const log = new RecordingLog();
    const report = await putRecordsReliably(new KinesisClient({}), 'out', records(1_200), { ...unbounded, log });
    expect(report.failures).toHaveLength(1_200);
    expect(new Set(report.failures.map((f) => f.errorCode))).toEqual(new Set([name]));
    expect(report.calls).toBeLessThanOrEqual(3); // chunks already in flight; none after the error is known
    expect(log.at('error')[0]).toMatchObject({ message: expect.stringMatching(/cannot succeed/), fields: { errorCode: name, streamName: 'out' } });
  });

  it('retries network errors and 5xx responses', async () => {
    kinesisMock
      .on(PutRecordsCommand)
      .rejectsOnce(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))
      .rejectsOnce(serviceError('ServiceUnavailable', 503))
      .callsFake(succeedAll);
    const report = await putRecordsReliably(new KinesisClient({}), 'out', records(2), unbounded);
    expect(report).toMatchObject({ failures: [], calls: 3 });
  });
});

describe('OutputBatch', () => {
  it('keeps records in order and gives them back as bytes and text', () => {
    const batch = new OutputBatch();
    const texts = ['{"a":1}', '{"é":"ü"}', 'x'.repeat(1_000), ''];
    texts.forEach((text, i) => batch.add(text, `k${i}`));
    expect(batch.length).toBe(4);
    expect(texts.map((_, i) => batch.text(i))).toEqual(texts);
    expect(batch.toRecords().map((r) => [Buffer.from(r.data).toString('utf8'), r.partitionKey])).toEqual(texts.map((t, i) => [t, `k${i}`]));
    expect(OutputBatch.of(batch.toRecords()).text(1)).toBe('{"é":"ü"}');
  });

  it('encodes ASCII texts together, each record its own bytes, with bytes records and later additions', () => {
    const batch = new OutputBatch();
    const texts = ['{"a":1}', '', '{"b":"two"}'];
    texts.forEach((text, i) => batch.add(text, `k${i}`));
    batch.addBytes(Uint8Array.of(0x7b, 0x7d), 'bytes');
    const bytesOf = (b: OutputBatch) => b.toRecords().map((r) => [Buffer.from(r.data).toString('utf8'), r.data.byteLength, r.partitionKey]);
    expect(bytesOf(batch)).toEqual([['{"a":1}', 7, 'k0'], ['', 0, 'k1'], ['{"b":"two"}', 11, 'k2'], ['{}', 2, 'bytes']]);
    batch.add('{"c":3}', 'k4');
    batch.add('{"ü":4}', 'k5'); // no longer all ASCII: each text on its own
    expect(bytesOf(batch).slice(3)).toEqual([['{}', 2, 'bytes'], ['{"c":3}', 7, 'k4'], ['{"ü":4}', 8, 'k5']]);
    expect(batch.text(2)).toBe('{"b":"two"}');
    expect(() => batch.data(6)).toThrow(RangeError);
    expect(() => batch.partitionKey(0.5)).toThrow(RangeError);
  });
});

describe('KinesisOutputSink', () => {
  it('returns the failures of putRecordsReliably', async () => {
    kinesisMock.on(PutRecordsCommand).rejects(serviceError('ResourceNotFoundException', 400));
    const sink = new KinesisOutputSink({ client: new KinesisClient({}), streamName: 'missing', ...noSleep });
    const failures = await sink.write(OutputBatch.of(records(2)), { remainingTimeMs: () => 60_000 });
    expect(failures.map((f) => f.index)).toEqual([0, 1]);
  });
});
