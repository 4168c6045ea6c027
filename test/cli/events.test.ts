import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KinesisStreamEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { parseArrivalTime, runEvents } from '../../cli/commands/events.js';
import { runInvoke } from '../../cli/commands/invoke.js';
import { memoryIO, repoPath } from './support.js';

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
