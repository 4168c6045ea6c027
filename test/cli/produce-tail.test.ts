import {
  GetRecordsCommand,
  GetShardIteratorCommand,
  KinesisClient,
  ListShardsCommand,
  PutRecordsCommand,
  type GetRecordsCommandInput,
  type GetShardIteratorCommandInput,
  type ListShardsCommandInput,
} from '@aws-sdk/client-kinesis';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { produceBatchSize, produceCommand, runProduce } from '../../cli/commands/produce.js';
import { runTail, tailCommand } from '../../cli/commands/tail.js';
import { decodeRide, RideRejection } from '../../lambda/ride/decode.js';
import { courseModel } from '../support/model.js';
import { createStream, readStream, startKinesalite, TEST_CREDENTIALS, type RunningKinesalite } from '../support/services.js';
import { loadCliModel } from '../../cli/model.js';
import { HOMEWORK_MODEL, memoryIO, repoPath, writeTinyModel } from './support.js';

const RIDES = repoPath('test/fixtures/golden/official-lin_reg.csv');

let kinesis: RunningKinesalite;
beforeAll(async () => {
  kinesis = await startKinesalite();
});
afterAll(async () => {
  await kinesis.stop();
});

describe('produce', () => {
  it('puts course ride events, keyed by ride id, with poison mixed in, across shards', async () => {
    await createStream(kinesis.client, 'produce-rides', 2);
    const io = memoryIO();
    const summary = await runProduce(
      { stream: 'produce-rides', input: RIDES, count: 700, poison: 0.05, seed: 3 },
      io,
      { kinesis: kinesis.client },
    );
    expect(summary.sent).toBe(700);
    expect(summary.failed).toBe(0);
    expect(summary.rides + Object.values(summary.poison).reduce((a, b) => a + b, 0)).toBe(700);
    expect(summary.rides).toBeGreaterThan(600);
    expect(summary.poison).not.toHaveProperty('bad-base64'); // cannot travel through PutRecords

    const records = await readStream(kinesis.client, 'produce-rides');
    expect(records).toHaveLength(700);
    expect(new Set(records.map((r) => r.shardId)).size).toBe(2);
    const rides = records.filter((r) => !r.partitionKey.startsWith('poison-'));
    expect(rides).toHaveLength(summary.rides);
    const first = rides.find((r) => r.partitionKey === '0');
    expect(first?.data).toBe('{"ride": {"PULocationID": 130, "DOLocationID": 205, "trip_distance": 3.66}, "ride_id": 0}');
    // What the handler will make of them: poison is rejected, rides decode with their id.
    const { contract } = await courseModel();
    for (const poison of records.filter((r) => r.partitionKey.startsWith('poison-'))) {
      expect(decodeRide(Buffer.from(poison.data, 'utf8').toString('base64'), contract)).toBeInstanceOf(RideRejection);
    }
    for (const ride of rides) {
      const decoded = decodeRide(Buffer.from(ride.data, 'utf8').toString('base64'), contract);
      expect(decoded).not.toBeInstanceOf(RideRejection);
      if (!(decoded instanceof RideRejection)) expect(String(decoded.ride_id)).toBe(ride.partitionKey);
    }
    expect(io.err()).toMatch(/700 of 700 record\(s\) put on produce-rides/);
  });

  it("puts the chosen model's fields only, and only the poison that model rejects", async () => {
    await createStream(kinesis.client, 'produce-homework', 1);
    const dir = await mkdtemp(join(tmpdir(), 'produce-'));
    try {
      const model = await writeTinyModel(dir, 'homework.json', HOMEWORK_MODEL);
      const summary = await runProduce({ stream: 'produce-homework', input: RIDES, count: 60, poison: 0.4, seed: 5, model }, memoryIO(), {
        kinesis: kinesis.client,
      });
      expect(summary.failed).toBe(0);
      expect(Object.keys(summary.poison)).not.toContain('negative-distance');
      const records = await readStream(kinesis.client, 'produce-homework');
      const { contract } = await loadCliModel(model);
      for (const record of records) {
        const decoded = decodeRide(Buffer.from(record.data, 'utf8').toString('base64'), contract);
        expect(decoded instanceof RideRejection).toBe(record.partitionKey.startsWith('poison-'));
      }
      const first = records.find((r) => r.partitionKey === '0');
      expect(JSON.parse(first?.data ?? '')).toEqual({ ride: { PULocationID: 130, DOLocationID: 205 }, ride_id: 0 });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('paces records at --rate', async () => {
    await createStream(kinesis.client, 'produce-paced', 1);
    const started = performance.now();
    const summary = await runProduce({ stream: 'produce-paced', input: RIDES, count: 30, rate: 100 }, memoryIO(), {
      kinesis: kinesis.client,
    });
    expect(summary.sent).toBe(30);
    // 30 records at 100/s: the last batch leaves no earlier than ~0.24 s after the first.
    expect(performance.now() - started).toBeGreaterThanOrEqual(200);
    expect(produceBatchSize(100)).toBe(20);
    expect(produceBatchSize(undefined)).toBe(500);
    expect(produceBatchSize(1)).toBe(1);
  });

  it('fails clearly when the stream does not exist', async () => {
    await expect(
      runProduce({ stream: 'no-such-stream', input: RIDES, count: 5 }, memoryIO(), { kinesis: kinesis.client }),
    ).rejects.toThrow(/^stream no-such-stream: Stream no-such-stream .*not found/);
  });

  it('refuses an input lacking a column the model reads before it reaches the stream', async () => {
    const model = await writeTinyModel(await mkdtemp(join(tmpdir(), 'produce-')), 'passengers.json', { featureNames: ['passenger_count'], coef: [1], intercept: 3 });
    // An endpoint nobody listens on: the input is refused first, so it is never called.
    await expect(
      runProduce({ stream: 'any', input: repoPath('test/fixtures/rides/sample.csv'), count: 5, model, endpoint: 'http://127.0.0.1:9' }, memoryIO()),
    ).rejects.toThrow(/^--input .*sample\.csv: no passenger_count column; the model reads passenger_count$/);
  });

  it('reaches a local endpoint given by --endpoint, with no credentials in the environment', async () => {
    await createStream(kinesis.client, 'produce-endpoint', 1);
    const summary = await runProduce(
      { stream: 'produce-endpoint', input: repoPath('test/fixtures/rides/sample.jsonl'), endpoint: kinesis.endpoint, region: 'us-east-1' },
      memoryIO(),
    );
    expect(summary).toMatchObject({ sent: 5, rides: 5, failed: 0 });
  });
});

describe('tail', () => {
  it('prints every record of every shard from the trim horizon as JSON lines', async () => {
    await createStream(kinesis.client, 'tail-predictions', 3);
    const events = Array.from({ length: 25 }, (_, i) => ({
      model: 'ride_duration_prediction_model',
      version: 'run-1',
      prediction: { ride_duration: 10 + i / 7, ride_id: i },
    }));
    await kinesis.client.send(
      new PutRecordsCommand({
        StreamName: 'tail-predictions',
        Records: [
          ...events.map((e) => ({ Data: Buffer.from(JSON.stringify(e)), PartitionKey: String(e.prediction.ride_id) })),
          { Data: Buffer.from([0xff, 0x00]), PartitionKey: 'junk' },
        ],
      }),
    );
    const io = memoryIO();
    const summary = await runTail({ stream: 'tail-predictions', from: 'trim-horizon', count: 26, timeout: 20 }, io, {
      kinesis: kinesis.client,
    });
    expect(summary).toEqual({ records: 26, shards: 3 });
    const lines = io.out().trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines).toHaveLength(26);
    const predictions = lines.filter((line) => 'prediction' in line);
    expect(predictions).toHaveLength(25);
    expect(new Set(predictions)).toEqual(new Set(events.map((e) => expect.objectContaining(e) as unknown)));
    expect(lines).toContainEqual({ notJson: Buffer.from([0xff, 0x00]).toString('base64') });
  });

  it('from latest, shows only new records, and stops at --timeout', async () => {
    await createStream(kinesis.client, 'tail-latest', 1);
    await kinesis.client.send(new PutRecordsCommand({ StreamName: 'tail-latest', Records: [{ Data: Buffer.from('{"old":1}'), PartitionKey: 'a' }] }));
    const io = memoryIO();
    const tail = runTail({ stream: 'tail-latest', from: 'latest', timeout: 3, count: 1, metadata: true }, io, { kinesis: kinesis.client });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await kinesis.client.send(new PutRecordsCommand({ StreamName: 'tail-latest', Records: [{ Data: Buffer.from('{"new":2}'), PartitionKey: 'b' }] }));
    expect(await tail).toEqual({ records: 1, shards: 1 });
    const line = JSON.parse(io.out()) as { approximateArrivalTimestamp: number };
    expect(line).toMatchObject({ shardId: 'shardId-000000000000', partitionKey: 'b', data: { new: 2 } });
    expect(Math.abs(line.approximateArrivalTimestamp - Date.now() / 1000)).toBeLessThan(600); // seconds, as in Lambda events

    const started = Date.now();
    const idle = await runTail({ stream: 'tail-latest', from: 'latest', timeout: 0.5 }, memoryIO(), { kinesis: kinesis.client });
    expect(idle.records).toBe(0);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('stops when aborted, and fails clearly on a missing stream', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const summary = await runTail({ stream: 'tail-latest', from: 'latest' }, memoryIO(), { kinesis: kinesis.client, signal: controller.signal });
    expect(summary.records).toBe(0);
    await expect(runTail({ stream: 'nope', timeout: 1 }, memoryIO(), { kinesis: kinesis.client })).rejects.toThrow(
      /^stream nope: Stream nope .*not found/,
    );
  });
});

describe('produce | tail through their command lines', () => {
  it('maps --endpoint, --region, --offset, --from, --count, --timeout and --metadata', async () => {
    await createStream(kinesis.client, 'argv-rides', 1);
    const produced = memoryIO();
    await produceCommand(produced).parseAsync(
      ['-s', 'argv-rides', '-i', RIDES, '--endpoint', kinesis.endpoint, '--region', 'us-east-1', '--offset', '10', '-n', '4'],
      { from: 'user' },
    );
    expect(produced.err()).toMatch(/4 of 4 record\(s\) put on argv-rides/);
    const tailed = memoryIO();
    await tailCommand(tailed).parseAsync(
      ['-s', 'argv-rides', '--endpoint', kinesis.endpoint, '--from', 'trim-horizon', '-n', '4', '-t', '20', '--metadata'],
      { from: 'user' },
    );
    const lines = tailed.out().trimEnd().split('\n').map((line) => JSON.parse(line) as { partitionKey: string; data: { ride_id: number } });
    expect(lines.map((line) => line.partitionKey)).toEqual(['10', '11', '12', '13']);
    expect(lines.map((line) => line.data.ride_id)).toEqual([10, 11, 12, 13]);
  });
});

describe('tail under faults kinesalite cannot produce (aws-sdk-client-mock)', () => {
  it('rides out dropped connections and 5xx on GetRecords, then gives up after repeated ones', async () => {
    await createStream(kinesis.client, 'tail-faults', 1);
    await kinesis.client.send(new PutRecordsCommand({ StreamName: 'tail-faults', Records: [{ Data: Buffer.from('{"ok":1}'), PartitionKey: 'k' }] }));
    const faulty = new KinesisClient({ region: 'us-east-1', endpoint: kinesis.endpoint, credentials: TEST_CREDENTIALS });
    const mock = mockClient(faulty);
    // Everything else goes to the real kinesalite.
    mock.on(ListShardsCommand).callsFake((input: ListShardsCommandInput) => kinesis.client.send(new ListShardsCommand(input)));
    mock
      .on(GetShardIteratorCommand)
      .callsFake((input: GetShardIteratorCommandInput) => kinesis.client.send(new GetShardIteratorCommand(input)));
    const serverError = Object.assign(new Error('We encountered an internal error'), { name: 'InternalFailure', $metadata: { httpStatusCode: 500 } });
    const reset = Object.assign(new Error('socket hang up'), { name: 'Error', code: 'ECONNRESET', $metadata: {} });
    mock
      .on(GetRecordsCommand)
      .rejectsOnce(serverError)
      .rejectsOnce(reset)
      .callsFake((input: GetRecordsCommandInput) => kinesis.client.send(new GetRecordsCommand(input)));
    const io = memoryIO();
    const summary = await runTail({ stream: 'tail-faults', from: 'trim-horizon', count: 1, timeout: 20 }, io, { kinesis: faulty, backoffMs: 10 });
    expect(summary.records).toBe(1);
    expect(io.out()).toBe('{"ok":1}\n');

    mock.on(GetRecordsCommand).rejects(serverError);
    await expect(runTail({ stream: 'tail-faults', from: 'trim-horizon', count: 1, timeout: 30 }, memoryIO(), { kinesis: faulty, backoffMs: 10 })).rejects.toThrow(
      /^stream tail-faults: GetRecords on shard shardId-000000000000 failed: Kinesis answered HTTP 500 \(internal server error: InternalFailure: We encountered an internal error\)$/,
    );
    mock.restore();
    faulty.destroy();
  });

  it('does not retry an access error', async () => {
    const denied = new KinesisClient({ region: 'us-east-1' });
    const mock = mockClient(denied);
    mock
      .on(ListShardsCommand)
      .rejects(Object.assign(new Error('User is not authorized to perform: kinesis:ListShards'), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 400 } }));
    await expect(runTail({ stream: 'private', timeout: 5 }, memoryIO(), { kinesis: denied })).rejects.toThrow(
      /^stream private.*: access denied: /,
    );
    expect(mock.commandCalls(ListShardsCommand)).toHaveLength(1);
    mock.restore();
  });
});
