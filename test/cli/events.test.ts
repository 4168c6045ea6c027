import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KinesisStreamEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { parseArrivalTime, runEvents } from '../../cli/commands/events.js';
import { runInvoke } from '../../cli/commands/invoke.js';
import { loadCliModel } from '../../cli/model.js';
import { HOMEWORK_MODEL, HOUR_MODEL, memoryIO, repoPath, writeTinyModel } from './support.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'events-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

// The bundled sample holds the same first rides of February 2021 as ../shared's parquet file,
// so the shipped events can be regenerated (and checked) in a fresh clone.
const SAMPLE = repoPath('local/data/green_tripdata_2021-02.sample.csv');

describe('events', () => {
  it('regenerates the shipped 100-ride event byte for byte (events/README.md command)', async () => {
    const output = join(dir, 'feb.json');
    const summary = await runEvents(
      { input: SAMPLE, count: 100, arrivalTime: '2021-02-01T00:00:00Z', output },
      memoryIO(),
    );
    expect(summary).toEqual({ records: 100, rides: 100, poison: {} });
    expect(readFileSync(output, 'utf8')).toBe(readFileSync(repoPath('events/feb-2021-100-rides.json'), 'utf8'));
  });

  it('regenerates the shipped mixed poison event byte for byte, every poison kind included', async () => {
    const output = join(dir, 'mixed.json');
    const io = memoryIO();
    const summary = await runEvents(
      { input: SAMPLE, count: 30, offset: 100, poison: 0.35, seed: 1, arrivalTime: '2021-02-01T00:05:00Z', output },
      io,
    );
    expect(summary.records).toBe(30);
    expect(summary.rides).toBe(19);
    expect(Object.keys(summary.poison)).toHaveLength(10);
    expect(readFileSync(output, 'utf8')).toBe(readFileSync(repoPath('events/mixed-poison.json'), 'utf8'));
    expect(io.err()).toMatch(/30 record\(s\) \(19 ride\(s\), 11 poison: bad-base64 2/);
  });

  it('writes to stdout, keeps the ride ids of JSON-lines events, and makes events the handler scores', async () => {
    const io = memoryIO();
    await runEvents({ input: repoPath('test/fixtures/rides/sample.jsonl'), count: 2, arrivalTime: '1654161514.132' }, io);
    const event = JSON.parse(io.out()) as KinesisStreamEvent;
    expect(event.Records.map((r) => r.kinesis.partitionKey)).toEqual(['256', 'ride-b']);
    expect(event.Records[0]?.kinesis.approximateArrivalTimestamp).toBe(1654161514.132);

    const file = join(dir, 'two.json');
    await runEvents({ input: repoPath('test/fixtures/rides/sample.jsonl'), count: 2, output: file }, memoryIO());
    const result = await runInvoke({ event: file }, memoryIO(), { env: {} });
    expect(result.predictions.map((p) => [p.prediction.ride_id, p.prediction.ride_duration])).toEqual([
      [256, 12.78553032985699],
      ['ride-b', 10.487934922247181],
    ]);
  });

  it("carries the chosen model's fields, with only the poison that model rejects; invoke scores the rides", async () => {
    const model = await writeTinyModel(dir, 'homework.json', HOMEWORK_MODEL);
    const output = join(dir, 'homework-events.json');
    const summary = await runEvents({ input: SAMPLE, count: 40, poison: 0.5, seed: 2, arrivalTime: '2021-02-01T00:00:00Z', output, model }, memoryIO());
    // A negative or infinite trip_distance is no poison for a model that does not read it.
    expect(Object.keys(summary.poison)).not.toContain('negative-distance');
    expect(Object.keys(summary.poison)).not.toContain('non-finite');
    expect(Object.keys(summary.poison)).toContain('missing-field');
    const event = JSON.parse(readFileSync(output, 'utf8')) as KinesisStreamEvent;
    const first = event.Records.find((r) => r.kinesis.partitionKey === '0');
    expect(JSON.parse(Buffer.from(first?.kinesis.data ?? '', 'base64').toString('utf8'))).toEqual({ ride: { PULocationID: 130, DOLocationID: 205 }, ride_id: 0 });
    const result = await runInvoke({ event: output, model }, memoryIO(), { env: {} });
    expect(result.predictions).toHaveLength(summary.rides);
    expect(result.deadLetters).toHaveLength(40 - summary.rides);
    expect(result.predictions[0]?.prediction).toEqual({ ride_duration: 0.5 + 1.25 + 24.75, ride_id: 0 });
  });

  it('writes timestamps as the text the function reads, for a model with a pickup-hour recipe', async () => {
    const model = await writeTinyModel(dir, 'hour.json', HOUR_MODEL);
    const { contract } = await loadCliModel(model);
    expect(contract.requiredFields.map((field) => field.name).sort()).toEqual(['lpep_pickup_datetime', 'trip_distance']);
    const output = join(dir, 'hour-events.json');
    await runEvents({ input: SAMPLE, count: 3, output, model }, memoryIO());
    const event = JSON.parse(readFileSync(output, 'utf8')) as KinesisStreamEvent;
    const rides = event.Records.map((r) => JSON.parse(Buffer.from(r.kinesis.data, 'base64').toString('utf8')) as { ride: Record<string, unknown> });
    expect(rides[0]?.ride).toEqual({ lpep_pickup_datetime: '2021-02-01 00:34:03', trip_distance: 3.66 });
    expect(Buffer.from(event.Records[0]?.kinesis.data ?? '', 'base64').toString('utf8')).toContain('"lpep_pickup_datetime": "2021-02-01 00:34:03"');
    const result = await runInvoke({ event: output, model }, memoryIO(), { env: {} });
    expect(result.predictions.map((p) => p.prediction.ride_duration)).toEqual([1 + 3.66 * 0.5 + 10, ...rides.slice(1).map((r) => {
      const hour = Number(String(r.ride['lpep_pickup_datetime']).slice(11, 13));
      return (hour === 0 ? 1 : hour === 1 ? 2 : 0) + (r.ride['trip_distance'] as number) * 0.5 + 10;
    })]);
  });

  it("shapes poison for the chosen model: each flaw breaks one field it reads, and the dead letter names that field", async () => {
    const model = await writeTinyModel(dir, 'hour-poison.json', HOUR_MODEL);
    const output = join(dir, 'hour-poison-events.json');
    const summary = await runEvents({ input: SAMPLE, count: 80, poison: 0.5, seed: 3, arrivalTime: '2021-02-01T00:00:00Z', output, model }, memoryIO());
    // No integer field to make a fraction of: that kind is left out; every other kind is made.
    expect(Object.keys(summary.poison).sort()).toEqual(
      ['bad-base64', 'invalid-utf8', 'missing-field', 'nan', 'negative-distance', 'non-finite', 'not-an-object', 'not-json', 'wrong-type'],
    );
    const result = await runInvoke({ event: output, model }, memoryIO(), { env: {} });
    expect(result.predictions).toHaveLength(summary.rides);
    const schema = result.deadLetters.filter((letter) => letter.kind === 'schema').map((letter) => letter.reason);
    expect(schema.length).toBeGreaterThan(0);
    for (const reason of schema) expect(reason).toMatch(/^schema: (?:ride\.(?:lpep_pickup_datetime|trip_distance): [^;]+|\(root\): expected an object)$/);
  });

  it('refuses an input lacking a column the model needs, naming it', async () => {
    const model = await writeTinyModel(dir, 'passengers.json', { featureNames: ['passenger_count'], coef: [1], intercept: 3 });
    await expect(runEvents({ input: repoPath('test/fixtures/rides/sample.csv'), count: 2, model }, memoryIO())).rejects.toThrow(
      /^--input .*sample\.csv: no passenger_count column; the model reads passenger_count$/,
    );
  });

  it('stops at the end of the input and says so', async () => {
    const io = memoryIO();
    const summary = await runEvents({ input: repoPath('test/fixtures/rides/sample.csv'), count: 50 }, io);
    expect(summary.records).toBe(6);
    expect(io.err()).toMatch(/fewer rides than asked/);
  });

  it('parses arrival times as ISO, naive wall clock or epoch seconds', () => {
    expect(parseArrivalTime('2021-02-01T00:00:00Z')).toBe(1612137600);
    expect(parseArrivalTime('1612137600.5')).toBe(1612137600.5);
    expect(() => parseArrivalTime('yesterday')).toThrow(/ISO date-time or epoch seconds/);
  });
});
