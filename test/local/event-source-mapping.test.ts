/**
 * The local event-source mapping against a real kinesalite: batching, ReportBatchItemFailures
 * checkpointing, bisection, bounded retries and the on-failure destination.
 */
import { CreateStreamCommand, DescribeStreamSummaryCommand, PutRecordsCommand } from '@aws-sdk/client-kinesis';
import type { KinesisStreamBatchResponse, KinesisStreamEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type KinesisBatchFunction,
  LocalEventSourceMapping,
} from '../../local/event-source-mapping.js';
import { type LocalServices, startLocalServices } from '../../local/services.js';

let services: LocalServices;
let streamCounter = 0;

beforeAll(async () => {
  services = await startLocalServices({ shards: 1 });
});
afterAll(async () => {
  await services?.stop();
});

/** A fresh one-shard stream holding `count` records whose data is their index as text. */
async function streamWithRecords(count: number): Promise<{ name: string; arn: string }> {
  streamCounter += 1;
  const name = `esm-test-${streamCounter}`;
  await services.kinesis.send(new CreateStreamCommand({ StreamName: name, ShardCount: 1 }));
  let arn = '';
  while (!arn) {
    const { StreamDescriptionSummary: s } = await services.kinesis.send(
      new DescribeStreamSummaryCommand({ StreamName: name }),
    );
    if (s?.StreamStatus === 'ACTIVE') arn = s.StreamARN ?? '';
  }
  for (let start = 0; start < count; start += 500) {
    const entries = Array.from({ length: Math.min(500, count - start) }, (_, i) => ({
      Data: Buffer.from(String(start + i)),
      PartitionKey: String(start + i),
    }));
    const { FailedRecordCount } = await services.kinesis.send(
      new PutRecordsCommand({ StreamName: name, Records: entries }),
    );
    expect(FailedRecordCount ?? 0).toBe(0);
  }
  return { name, arn };
}

const indexOf = (data: string): number => Number(Buffer.from(data, 'base64').toString('utf8'));

/** Records every delivered batch as the list of record indexes it held. */
function recorder(respond: (indexes: number[], event: KinesisStreamEvent) => KinesisStreamBatchResponse | Error) {
  const deliveries: number[][] = [];
  const handler: KinesisBatchFunction = async (event) => {
    const indexes = event.Records.map((r) => indexOf(r.kinesis.data));
    deliveries.push(indexes);
    const response = respond(indexes, event);
    if (response instanceof Error) throw response;
    return response;
  };
  return { handler, deliveries };
}

describe('LocalEventSourceMapping', () => {
  it('delivers real-shaped records in order, in batches of batchSize', async () => {
    const { name, arn } = await streamWithRecords(250);
    const { handler, deliveries } = recorder(() => ({ batchItemFailures: [] }));
    let context: Parameters<KinesisBatchFunction>[1] | undefined;
    let firstEvent: KinesisStreamEvent | undefined;
    const esm = new LocalEventSourceMapping({
      kinesis: services.kinesis,
      streamName: name,
      streamArn: arn,
      batchSize: 100,
      handler: async (event, ctx) => {
        context ??= ctx;
        firstEvent ??= event;
        return handler(event, ctx);
      },
    });
    expect(esm.caughtUpSince()).toBeUndefined();
    await esm.start();
    await esm.waitForRecords(250, 10_000);
    const delivered = Date.now();
    // The poller reports the shard caught up once a GetRecords started after the last delivery finds nothing.
    while ((esm.caughtUpSince() ?? 0) < delivered) await new Promise((resolve) => setTimeout(resolve, 10));
    await esm.stop();

    expect(deliveries.flat()).toEqual(Array.from({ length: 250 }, (_, i) => i));
    expect(Math.max(...deliveries.map((d) => d.length))).toBe(100);
    const record = firstEvent?.Records[0];
    expect(record).toMatchObject({
      eventSource: 'aws:kinesis',
      eventName: 'aws:kinesis:record',
      eventSourceARN: arn,
      awsRegion: 'us-east-1',
      kinesis: { kinesisSchemaVersion: '1.0', partitionKey: '0', data: Buffer.from('0').toString('base64') },
    });
    expect(record?.eventID).toBe(`shardId-000000000000:${record?.kinesis.sequenceNumber}`);
    // Seconds since the epoch, as Lambda sends it, not milliseconds.
    expect(Math.abs((record?.kinesis.approximateArrivalTimestamp ?? 0) - Date.now() / 1000)).toBeLessThan(60);
    expect(context?.functionName).toBe('ride-duration-prediction');
    expect(context?.getRemainingTimeInMillis()).toBeGreaterThan(50_000);
    expect(esm.stats).toMatchObject({ recordsCheckpointed: 250, functionErrors: 0, partialFailures: 0 });
  });

  it('re-delivers from the lowest failed sequence number after a partial batch failure', async () => {
    const { name, arn } = await streamWithRecords(100);
    const failedOnce = new Set<number>();
    // Fail records 70 and 40 (reported in that order) the first time they are seen.
    const { handler, deliveries } = recorder((indexes, event) => {
      const failures = [70, 40].filter((i) => indexes.includes(i) && !failedOnce.has(i));
      for (const i of failures) failedOnce.add(i);
      return {
        batchItemFailures: failures.map((i) => ({
          itemIdentifier: event.Records[indexes.indexOf(i)]?.kinesis.sequenceNumber ?? '',
        })),
      };
    });
    const esm = new LocalEventSourceMapping({ kinesis: services.kinesis, streamName: name, streamArn: arn, batchSize: 100, handler });
    await esm.start();
    await esm.waitForRecords(100, 10_000);
    await esm.stop();

    expect(deliveries).toHaveLength(2);
    expect(deliveries[0]).toEqual(Array.from({ length: 100 }, (_, i) => i));
    // Checkpoint = records 0..39; 40..99 come again (at-least-once), 70 included although it only failed once.
    expect(deliveries[1]).toEqual(Array.from({ length: 60 }, (_, i) => 40 + i));
    expect(esm.stats).toMatchObject({ partialFailures: 1, retries: 1, recordsCheckpointed: 100, recordsSentToOnFailure: 0 });
  });

  it('bisects a failing batch, bounds the retries and sends the exhausted record to the on-failure destination', async () => {
    const { name, arn } = await streamWithRecords(40);
    const { handler, deliveries } = recorder((indexes) =>
      indexes.includes(13) ? new Error('record 13 breaks the function') : { batchItemFailures: [] },
    );
    const destination: unknown[] = [];
    const esm = new LocalEventSourceMapping({
      kinesis: services.kinesis,
      streamName: name,
      streamArn: arn,
      batchSize: 40,
      maximumRetryAttempts: 2,
      handler,
      onFailure: (failure) => {
        destination.push(failure);
      },
    });
    await esm.start();
    await esm.waitForRecords(40, 10_000);
    await esm.stop();

    const succeeded = deliveries.filter((d) => !d.includes(13)).flat();
    expect(new Set(succeeded)).toEqual(new Set(Array.from({ length: 40 }, (_, i) => i).filter((i) => i !== 13)));
    // 40 → 20 → 10 → 5 → 3 → 2 → 1, then the single record: 1 attempt + 2 retries.
    expect(deliveries.filter((d) => d.length === 1 && d[0] === 13)).toHaveLength(3);
    expect(esm.failures).toHaveLength(1);
    expect(destination).toEqual(esm.failures);
    const [failure] = esm.failures;
    expect(failure?.requestContext).toMatchObject({ condition: 'RetryAttemptsExhausted', approximateInvokeCount: 3 });
    expect(failure?.responseContext.functionError).toBe('Unhandled');
    expect(failure?.KinesisBatchInfo).toMatchObject({ batchSize: 1, streamArn: arn, shardId: 'shardId-000000000000' });
    expect(failure?.records.map((r) => indexOf(r.kinesis.data))).toEqual([13]);
    expect(failure?.lastError).toContain('record 13 breaks the function');
    expect(esm.stats).toMatchObject({ recordsCheckpointed: 39, recordsSentToOnFailure: 1, retries: 2 });
    expect(esm.stats.bisections).toBeGreaterThanOrEqual(5);
  });

  it('bisects as Lambda does: each half on its own, first half first, full batches only once the failed range is resolved', async () => {
    // BisectBatchOnFunctionError (Lambda developer guide, Kinesis error handling): on a function
    // error the batch is split in two and each half retried separately; splits are not retries;
    // MaximumRetryAttempts then bounds the attempts of the record left alone.
    const { name, arn } = await streamWithRecords(15);
    const { handler, deliveries } = recorder((indexes) => (indexes.includes(6) ? new Error('record 6 breaks the function') : { batchItemFailures: [] }));
    const esm = new LocalEventSourceMapping({ kinesis: services.kinesis, streamName: name, streamArn: arn, batchSize: 10, maximumRetryAttempts: 1, handler });
    await esm.start();
    await esm.waitForRecords(15, 10_000);
    await esm.stop();

    const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
    expect(deliveries).toEqual([
      range(0, 9), // fails: split into 0..4 and 5..9
      range(0, 4), // succeeds; the other half follows alone, not merged with 10..14
      range(5, 9), // fails: split into 5..7 and 8..9
      range(5, 7), // fails: split into 5..6 and 7
      range(5, 6), // fails: split into 5 and 6
      [5],
      [6], // fails alone: the first attempt,
      [6], // and the one retry MaximumRetryAttempts 1 allows; then it goes to the on-failure destination
      [7],
      [8, 9],
      range(10, 14), // the failed range resolved: full batches again
    ]);
    expect(esm.stats).toMatchObject({ invocations: 11, functionErrors: 6, bisections: 4, retries: 1, recordsCheckpointed: 14, recordsSentToOnFailure: 1 });
    expect(esm.failures.map((f) => f.records.map((r) => indexOf(r.kinesis.data)))).toEqual([[6]]);
  });

  it('a partial failure inside a bisected half re-delivers from the failed record within that half', async () => {
    const { name, arn } = await streamWithRecords(12);
    let failedPartially = false;
    const { handler, deliveries } = recorder((indexes, event) => {
      if (indexes.length > 6) return new Error('too many at once');
      if (indexes[0] === 6 && !failedPartially) {
        failedPartially = true;
        return { batchItemFailures: [{ itemIdentifier: event.Records[2]?.kinesis.sequenceNumber ?? '' }] };
      }
      return { batchItemFailures: [] };
    });
    const esm = new LocalEventSourceMapping({ kinesis: services.kinesis, streamName: name, streamArn: arn, batchSize: 12, handler });
    await esm.start();
    await esm.waitForRecords(12, 10_000);
    await esm.stop();
    expect(deliveries).toEqual([
      Array.from({ length: 12 }, (_, i) => i),
      [0, 1, 2, 3, 4, 5],
      [6, 7, 8, 9, 10, 11], // 6 and 7 checkpointed, 8 failed
      [8, 9, 10, 11],
    ]);
    expect(esm.stats).toMatchObject({ bisections: 1, partialFailures: 1, retries: 1, recordsCheckpointed: 12 });
  });

  it('fails a batch whose invocation outlives the function timeout', async () => {
    const { name, arn } = await streamWithRecords(3);
    let calls = 0;
    const esm = new LocalEventSourceMapping({
      kinesis: services.kinesis,
      streamName: name,
      streamArn: arn,
      timeoutMs: 50,
      bisectBatchOnFunctionError: false,
      maximumRetryAttempts: 0,
      handler: async (_event, context) => {
        calls += 1;
        expect(context.getRemainingTimeInMillis()).toBeLessThanOrEqual(50);
        await new Promise((resolve) => setTimeout(resolve, 200));
        return { batchItemFailures: [] };
      },
    });
    await esm.start();
    await esm.waitForRecords(3, 10_000);
    await esm.stop();
    expect(calls).toBe(1);
    expect(esm.failures[0]?.lastError).toMatch(/timed out after 0\.05 seconds/);
    expect(esm.failures[0]?.KinesisBatchInfo.batchSize).toBe(3);
  });

  it('treats an item identifier that is not in the batch as a failure of the whole batch', async () => {
    const { name, arn } = await streamWithRecords(5);
    const esm = new LocalEventSourceMapping({
      kinesis: services.kinesis,
      streamName: name,
      streamArn: arn,
      maximumRetryAttempts: 1,
      handler: async () => ({ batchItemFailures: [{ itemIdentifier: 'not-a-sequence-number' }] }),
    });
    await esm.start();
    await esm.waitForRecords(5, 10_000);
    await esm.stop();
    // Whole batch retried (not bisected: the function did not fail), then given up.
    expect(esm.stats).toMatchObject({ invocations: 2, functionErrors: 0, partialFailures: 2, bisections: 0, recordsSentToOnFailure: 5 });
    expect(esm.failures[0]?.KinesisBatchInfo.batchSize).toBe(5);
    expect(esm.failures[0]?.responseContext.functionError).toBeUndefined();
    expect(esm.failures[0]?.lastError).toContain('not-a-sequence-number');
  });
});
