/**
 * Output-stream faults. Partial failures, throttling and access denied cannot be produced by
 * kinesalite, so they are injected with aws-sdk-client-mock; a missing stream and a deadline are real.
 * Every scenario checks the books: each invocation's input = predicted + dead-lettered + reported
 * failed, and after Lambda's redeliveries every valid ride is on the output (duplicates counted) and
 * every poison record dead-lettered.
 */
import { KinesisClient, PutRecordsCommand, type PutRecordsCommandInput, type PutRecordsResultEntry } from '@aws-sdk/client-kinesis';
import type { KinesisStreamRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKinesisClient } from '../../lambda/aws-clients.js';
import type { BatchCounts } from '../../lambda/batch.js';
import { createHandler } from '../../lambda/handler.js';
import type { LoadedModel } from '../../lambda/model/types.js';
import { KinesisOutputSink, type RetryPolicy } from '../../lambda/sinks/kinesis.js';
import { MemoryDeadLetterSink } from '../../lambda/sinks/memory.js';
import { kinesisEvent, kinesisRecord, lambdaContext, ride } from '../support/events.js';
import { RecordingLog } from '../support/log.js';
import { courseModel } from '../support/model.js';
import { deliverUntilCheckpointed, seededRandom, type DeliveryReport } from '../support/redeliver.js';
import { createStream, readStream, startKinesalite, TEST_CREDENTIALS, type RunningKinesalite } from '../support/services.js';

const VALID = 400;
const POISON_EVERY = 10;

/** 400 valid rides with a poison record after every 10th. */
function shardRecords(): KinesisStreamRecord[] {
  const records: KinesisStreamRecord[] = [];
  for (let i = 0; i < VALID; i++) {
    records.push(kinesisRecord({ json: ride(i, 1 + (i % 265), 1 + ((i * 7) % 265), (i % 50) / 3) }, records.length));
    if (i % POISON_EVERY === POISON_EVERY - 1) records.push(kinesisRecord({ text: `{"ride": {"PULocationID": "bad-${i}"}}` }, records.length));
  }
  return records;
}
const POISON = VALID / POISON_EVERY;

let model: LoadedModel;
beforeAll(async () => {
  model = await courseModel();
});

/** A fake output stream: stores accepted entries; `decide` says which entries (or calls) fail. */
function fakeStream(decide: { call?: (call: number) => Error | undefined; entry?: (call: number) => PutRecordsResultEntry | undefined }) {
  const client = new KinesisClient({ region: 'us-east-1', credentials: TEST_CREDENTIALS });
  const mock = mockClient(client);
  const written: Array<{ partitionKey: string; data: string }> = [];
  let calls = 0;
  mock.on(PutRecordsCommand).callsFake((input: PutRecordsCommandInput) => {
    const call = calls++;
    const error = decide.call?.(call);
    if (error !== undefined) throw error;
    const Records = (input.Records ?? []).map((entry) => {
      const failure = decide.entry?.(call);
      if (failure !== undefined) return failure;
      written.push({ partitionKey: entry.PartitionKey!, data: Buffer.from(entry.Data!).toString('utf8') });
      return { SequenceNumber: String(written.length), ShardId: 'shardId-000000000000' };
    });
    return { FailedRecordCount: Records.filter((r) => r.ErrorCode !== undefined).length, Records };
  });
  return { client, written, calls: () => calls };
}

function throttlingError(): Error {
  return Object.assign(new Error('Rate exceeded for stream'), {
    name: 'ProvisionedThroughputExceededException', $metadata: { httpStatusCode: 400 }, $fault: 'client',
  });
}

/** Virtual time: sleeps advance it, and the context's remaining time shrinks with it. */
function virtualClock(budgetMs: number) {
  let elapsed = 0;
  return {
    sleep: async (ms: number) => void (elapsed += ms),
    context: () => lambdaContext(() => budgetMs - elapsed),
    reset: () => void (elapsed = 0),
  };
}

function setup(client: KinesisClient, retry: Partial<RetryPolicy> = {}, sleep = async (_ms: number) => undefined) {
  const log = new RecordingLog();
  const deadLetters = new MemoryDeadLetterSink();
  const handler = createHandler({
    loadModel: async () => model,
    runId: 'fault-run',
    output: new KinesisOutputSink({ client: client, streamName: 'ride_predictions', retry, sleep, random: seededRandom(7), log }),
    deadLetters,
    logger: log,
  });
  return { handler, log, deadLetters };
}

function expectBooksBalance(report: DeliveryReport): void {
  for (const c of report.counts) expect(c.in).toBe(c.predicted + c.deadLettered + c.outputFailed + c.deadLetterFailed);
}

/** Every valid ride written at least once (duplicates returned), nothing else written. */
function expectNothingLost(written: ReadonlyArray<{ partitionKey: string; data: string }>): number {
  const ids = written.map((w) => (JSON.parse(w.data) as { prediction: { ride_id: number } }).prediction.ride_id);
  expect(written.every((w, i) => w.partitionKey === String(ids[i]))).toBe(true);
  const unique = new Set(ids);
  expect(unique.size).toBe(VALID);
  expect([...unique].sort((a, b) => a - b)).toEqual(Array.from({ length: VALID }, (_, i) => i));
  return ids.length - unique.size;
}

function sum(counts: readonly BatchCounts[], key: keyof BatchCounts): number {
  return counts.reduce((total, c) => total + c[key], 0);
}

describe('PutRecords partial failures', () => {
  it.each([0.1, 0.5])('at %s of entries: only failed entries are retried, all written in one invocation', async (rate) => {
    const random = seededRandom(rate * 1000);
    const stream = fakeStream({
      entry: () => (random() < rate ? { ErrorCode: random() < 0.8 ? 'ProvisionedThroughputExceededException' : 'InternalFailure', ErrorMessage: 'injected' } : undefined),
    });
    const { handler, log, deadLetters } = setup(stream.client);
    const report = await deliverUntilCheckpointed(handler, shardRecords(), { log });
    expectBooksBalance(report);
    expect(report.invocations).toBe(1);
    expect(expectNothingLost(stream.written)).toBe(0); // retries resend failed entries only: no duplicates
    expect(stream.calls()).toBeGreaterThan(1);
    expect(deadLetters.letters).toHaveLength(POISON);
  });

  it.each([
    [0.1, 2],
    [0.5, 4],
  ])('at %s with %s attempts: failures reported, redelivered, nothing lost, duplicates counted', async (rate, maxAttempts) => {
    const random = seededRandom(42 + rate * 1000);
    const stream = fakeStream({
      entry: () => (random() < rate ? { ErrorCode: 'ProvisionedThroughputExceededException', ErrorMessage: 'injected' } : undefined),
    });
    const { handler, log, deadLetters } = setup(stream.client, { maxAttempts });
    const report = await deliverUntilCheckpointed(handler, shardRecords(), { log, maxInvocations: 500 });
    expectBooksBalance(report);
    expect(report.invocations).toBeGreaterThan(1);
    expect(sum(report.counts, 'outputFailed')).toBeGreaterThan(0);
    const duplicates = expectNothingLost(stream.written);
    // Each record written more than once was redelivered after an earlier successful write.
    expect(duplicates).toBe(sum(report.counts, 'predicted') - VALID);
    expect(duplicates).toBeLessThanOrEqual(report.redelivered);
    // Poison after the checkpoint is dead-lettered again on redelivery: duplicates, never losses.
    expect(new Set(deadLetters.letters.map((l) => l.sequenceNumber)).size).toBe(POISON);
    expect(deadLetters.letters.length).toBe(sum(report.counts, 'deadLettered'));
  });
});

describe('throttling', () => {
  it('rides out whole-call throttling that ends before the deadline', async () => {
    const stream = fakeStream({ call: (call) => (call < 12 ? throttlingError() : undefined) });
    const clock = virtualClock(60_000);
    const { handler, log } = setup(stream.client, {}, clock.sleep);
    const report = await deliverUntilCheckpointed(handler, shardRecords(), { log, context: clock.context });
    expectBooksBalance(report);
    expect(report.invocations).toBe(1);
    expect(expectNothingLost(stream.written)).toBe(0);
  });

  it('reports every unwritten record when throttling outlasts the invocation, then delivers them', async () => {
    let throttled = true;
    const stream = fakeStream({ call: () => (throttled ? throttlingError() : undefined) });
    const clock = virtualClock(10_000);
    const { handler, log } = setup(stream.client, { maxAttempts: 1_000 }, clock.sleep);
    const first = await handler(kinesisEvent(shardRecords()), clock.context());
    expect(first.batchItemFailures).toHaveLength(VALID);
    expect(log.at('error').some((e) => (e.fields.errorCodes as string[] | undefined)?.includes('ProvisionedThroughputExceededException'))).toBe(true);
    expect(stream.written).toHaveLength(0);
    throttled = false;
    clock.reset();
    const report = await deliverUntilCheckpointed(handler, shardRecords(), { log, context: clock.context });
    expectBooksBalance(report);
    expect(expectNothingLost(stream.written)).toBe(0);
  });
});

describe('output stream unusable', () => {
  let kinesis: RunningKinesalite;
  beforeAll(async () => {
    kinesis = await startKinesalite();
  });
  afterAll(async () => {
    await kinesis?.stop();
  });

  it('missing stream (real kinesalite): every prediction reported failed, clear error logged, poison still dead-lettered', async () => {
    const log = new RecordingLog();
    const deadLetters = new MemoryDeadLetterSink();
    const client = createKinesisClient({ endpoint: kinesis.endpoint, credentials: TEST_CREDENTIALS });
    const handler = createHandler({
      loadModel: async () => model, output: new KinesisOutputSink({ client: client, streamName: 'no_such_stream', log }), deadLetters, logger: log,
    });
    const records = shardRecords();
    const response = await handler(kinesisEvent(records), lambdaContext());
    expect(response.batchItemFailures).toHaveLength(VALID);
    expect(deadLetters.letters).toHaveLength(POISON);
    const errors = log.at('error');
    expect(errors.find((e) => e.message.includes('cannot succeed'))?.fields).toMatchObject({ errorCode: 'ResourceNotFoundException', streamName: 'no_such_stream' });
    expect(errors.find((e) => e.message.startsWith('Output write failed'))?.fields).toMatchObject({ failed: VALID, errorCodes: ['ResourceNotFoundException'] });

    // Once the stream exists, redelivery writes everything.
    await createStream(kinesis.client, 'no_such_stream');
    const report = await deliverUntilCheckpointed(handler, records, { log });
    expectBooksBalance(report);
    expectNothingLost(await readStream(kinesis.client, 'no_such_stream'));
  });

  it('access denied: every prediction reported failed after one call, clear error logged', async () => {
    const stream = fakeStream({
      call: () => Object.assign(new Error('User is not authorized to perform: kinesis:PutRecords'), {
        name: 'AccessDeniedException', $metadata: { httpStatusCode: 400 }, $fault: 'client',
      }),
    });
    const { handler, log } = setup(stream.client);
    const response = await handler(kinesisEvent(shardRecords()), lambdaContext());
    expect(response.batchItemFailures).toHaveLength(VALID);
    expect(stream.calls()).toBe(1);
    expect(log.at('error')[0]?.fields).toMatchObject({ errorCode: 'AccessDeniedException', errorMessage: expect.stringMatching(/not authorized/) });
  });

  it('near the deadline: no write is started, all predictions reported, then delivered by the next invocation', async () => {
    await createStream(kinesis.client, 'deadline_stream');
    const log = new RecordingLog();
    const client = createKinesisClient({ endpoint: kinesis.endpoint, credentials: TEST_CREDENTIALS });
    const handler = createHandler({
      loadModel: async () => model, output: new KinesisOutputSink({ client: client, streamName: 'deadline_stream', log }), deadLetters: new MemoryDeadLetterSink(), logger: log,
    });
    const records = shardRecords();
    const response = await handler(kinesisEvent(records), lambdaContext(() => 900)); // less than the 1 s safety margin
    expect(response.batchItemFailures).toHaveLength(VALID);
    expect(await readStream(kinesis.client, 'deadline_stream')).toHaveLength(0);
    expect(log.at('error')[0]?.fields).toMatchObject({ errorCodes: ['DeadlineExceeded'] });
    const report = await deliverUntilCheckpointed(handler, records, { log });
    expectBooksBalance(report);
    expect(expectNothingLost(await readStream(kinesis.client, 'deadline_stream'))).toBe(0);
  });
});
