import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

import {
  detectRideFormat,
  isComplete,
  MissingRideColumnError,
  readRides,
  rideFileInfo,
  RideLineError,
  UnsupportedRideFormatError,
} from '../../io/index.js';
import type { ReadRidesOptions, RideRow } from '../../io/index.js';
import { RIDE_START_FIELDS } from '../../lambda/model/contract/index.js';

const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/rides/${name}`, import.meta.url));
const SHARED = fileURLToPath(new URL('../../../shared/', import.meta.url));
const FEB = `${SHARED}data/green_tripdata_2021-02.parquet`;
const GOLDEN = `${SHARED}golden/official-lin_reg.green_2021-02.csv`;

async function collect(path: string, options?: ReadRidesOptions): Promise<RideRow[]> {
  const rows: RideRow[] = [];
  for await (const row of readRides(path, options)) rows.push(row);
  return rows;
}

describe('detectRideFormat', () => {
  it('goes by extension, case-insensitively', () => {
    expect(detectRideFormat('a/b.PARQUET')).toBe('parquet');
    expect(detectRideFormat('x.csv')).toBe('csv');
    expect(detectRideFormat('x.jsonl')).toBe('jsonl');
    expect(detectRideFormat('x.ndjson')).toBe('jsonl');
    expect(() => detectRideFormat('x.xlsx')).toThrow(UnsupportedRideFormatError);
  });
});

describe('CSV rides', () => {
  it('reads typed rows, keeps missing/invalid fields as null and parses naive times', async () => {
    const rows = await collect(fixture('sample.csv'));
    expect(rows).toHaveLength(6);
    expect(rows[0]).toEqual({
      rowIndex: 0,
      PULocationID: 130,
      DOLocationID: 205,
      trip_distance: 3.66,
      pickup: Date.UTC(2021, 1, 1, 0, 34, 3),
      dropoff: Date.UTC(2021, 1, 1, 0, 51, 58),
      rideId: null,
      fields: { PULocationID: 130, DOLocationID: 205, trip_distance: 3.66 },
    });
    expect(rows[1]?.trip_distance).toBe(1.1);
    expect(rows[2]?.trip_distance).toBeNull();
    expect(rows[3]?.PULocationID).toBeNull();
    expect(rows[4]?.PULocationID).toBeNull();
    expect(rows[5]).toMatchObject({ rowIndex: 5, PULocationID: 10, DOLocationID: 50, trip_distance: 40, pickup: null });
    expect(rows.filter(isComplete).map((r) => r.rowIndex)).toEqual([0, 1, 5]);
    // In `fields`, a missing value is null and an invalid one stays as written, for the contract to name.
    expect(rows.slice(2, 5).map((r) => r.fields)).toEqual([
      { PULocationID: 152, DOLocationID: 48, trip_distance: null },
      { PULocationID: null, DOLocationID: 75, trip_distance: 2 },
      { PULocationID: 'abc', DOLocationID: 41, trip_distance: 2.04 },
    ]);
  });

  it('reads the fields asked for, typed, and needs only their columns', async () => {
    const fields = [
      { name: 'VendorID', type: 'integer' },
      { name: 'lpep_pickup_datetime', type: 'timestamp' },
      { name: 'store_and_fwd_flag', type: 'text' },
      { name: 'note', type: 'text' },
    ] as const;
    const rows = await collect(fixture('sample.csv'), { fields });
    expect(rows[0]?.fields).toEqual({
      VendorID: 2,
      lpep_pickup_datetime: '2021-02-01 00:34:03',
      store_and_fwd_flag: 'N',
      note: 'first ride of February 2021',
    });
    expect(rows[5]?.fields).toEqual({ VendorID: 1, lpep_pickup_datetime: null, store_and_fwd_flag: 'N', note: 'no times; ids written as floats' });
    // missing-column.csv lacks DOLocationID, which the homework-style fields below do not need.
    const homework = [{ name: 'PULocationID', type: 'integer' }] as const;
    expect((await collect(fixture('missing-column.csv'), { fields: homework }))[0]?.fields).toEqual({ PULocationID: 130 });
    await expect(collect(fixture('sample.csv'), { fields: [...fields, { name: 'trip_type', type: 'integer' }, { name: 'zone', type: 'text' }] })).rejects.toThrow(
      /sample\.csv: missing required column\(s\) trip_type, zone$/,
    );
  });

  it('honours offset and limit and stops reading early', async () => {
    const rows = await collect(fixture('sample.csv'), { offset: 1, limit: 2 });
    expect(rows.map((r) => r.rowIndex)).toEqual([1, 2]);
    expect(await collect(fixture('sample.csv'), { limit: 0 })).toEqual([]);
  });

  it('takes the ride id from a named column', async () => {
    const rows = await collect(fixture('sample.csv'), { idColumn: 'note', limit: 2 });
    expect(rows.map((r) => r.rideId)).toEqual(['first ride of February 2021', 'quoted, with comma']);
  });

  it('names the missing columns and the bad line', async () => {
    await expect(collect(fixture('missing-column.csv'))).rejects.toThrow(MissingRideColumnError);
    await expect(collect(fixture('missing-column.csv'))).rejects.toThrow(/missing required column\(s\) DOLocationID/);
    await expect(collect(fixture('sample.csv'), { idColumn: 'nope' })).rejects.toThrow(/nope/);
    const error = await collect(fixture('bad-quote.csv')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RideLineError);
    expect((error as RideLineError).line).toBe(3);
    expect(String(error)).toMatch(/bad-quote\.csv:3: unterminated quoted field/);
  });
});

describe('JSON-lines rides', () => {
  it('reads course ride events and flat rows alike', async () => {
    const rows = await collect(fixture('sample.jsonl'));
    expect(rows.map((r) => [r.rowIndex, r.PULocationID, r.DOLocationID, r.trip_distance, r.rideId])).toEqual([
      [0, 130, 205, 3.66, 256],
      [1, 152, 244, 1.1, 'ride-b'],
      [2, 152, 48, 4.93, null],
      [3, 75, null, 2, 4],
      [4, 10, 50, 40, null],
    ]);
    expect(rows[2]?.pickup).toBe(Date.UTC(2021, 1, 1, 0, 18, 51));
    expect(rows[2]?.dropoff).toBe(Date.UTC(2021, 1, 1, 0, 34, 6));
    expect(rows[3]?.fields).toEqual({ PULocationID: 75, DOLocationID: null, trip_distance: 2 });
  });

  it('reads the fields asked for from events and flat rows; a line lacking one has it null', async () => {
    const rows = await collect(fixture('sample.jsonl'), { fields: [{ name: 'lpep_pickup_datetime', type: 'timestamp' }] });
    expect(rows.map((r) => r.fields['lpep_pickup_datetime'])).toEqual([null, null, '2021-02-01 00:18:51', null, null]);
  });

  it('fails on a line that is not JSON, naming it', async () => {
    await expect(collect(fixture('bad-line.jsonl'))).rejects.toThrow(/bad-line\.jsonl:2: not JSON/);
    expect(await collect(fixture('bad-line.jsonl'), { limit: 1 })).toHaveLength(1);
  });
});

describe.skipIf(!existsSync(FEB))('TLC parquet rides (needs ../shared/data)', () => {
  it('reads February 2021 in file order, the same rides as the golden file', async () => {
    const golden = (await import('node:fs')).readFileSync(GOLDEN, 'utf8').trim().split('\n').slice(1);
    let count = 0;
    for await (const ride of readRides(FEB)) {
      const [pu, dO, distance] = (golden[ride.rowIndex] ?? '').split(',');
      if (ride.PULocationID !== Number(pu) || ride.DOLocationID !== Number(dO) || ride.trip_distance !== Number(distance)) {
        throw new Error(`row ${ride.rowIndex} differs from golden: ${JSON.stringify(ride)}`);
      }
      count++;
    }
    expect(count).toBe(64_572);
    expect(count).toBe(golden.length);
  });

  it('keeps naive wall-clock times exact and reads only what the range needs', async () => {
    const [first] = await collect(FEB, { limit: 1 });
    expect(first).toEqual({
      rowIndex: 0,
      PULocationID: 130,
      DOLocationID: 205,
      trip_distance: 3.66,
      pickup: Date.UTC(2021, 1, 1, 0, 34, 3),
      dropoff: Date.UTC(2021, 1, 1, 0, 51, 58),
      rideId: null,
      fields: { PULocationID: 130, DOLocationID: 205, trip_distance: 3.66 },
    });
    const tail = await collect(FEB, { offset: 64_570 });
    expect(tail.map((r) => r.rowIndex)).toEqual([64_570, 64_571]);
    expect(await rideFileInfo(FEB)).toMatchObject({ format: 'parquet', rows: 64_572 });
  });

  it('reads every ride-start field the function knows from a green TLC file, as ride events carry them', async () => {
    // Green files have lpep_ times; tpep_ are the yellow files'.
    const fields = RIDE_START_FIELDS.filter((field) => !field.name.startsWith('tpep_'));
    const [first] = await collect(FEB, { fields, limit: 1 });
    expect(first?.fields).toEqual({
      VendorID: 2,
      lpep_pickup_datetime: '2021-02-01 00:34:03',
      store_and_fwd_flag: 'N',
      RatecodeID: 1,
      PULocationID: 130,
      DOLocationID: 205,
      passenger_count: 5, // a DOUBLE column in the TLC file
      trip_distance: 3.66,
      trip_type: 1,
    });
  });

  it('reads an id column and refuses a file lacking one', async () => {
    const rows = await collect(FEB, { limit: 2, idColumn: 'VendorID' });
    expect(rows.map((r) => r.rideId)).toEqual([2, 2]);
    await expect(collect(FEB, { idColumn: 'ride_id' })).rejects.toThrow(MissingRideColumnError);
  });
});

describe('parquet errors', () => {
  it('says clearly when a .parquet file is not parquet', async () => {
    await expect(collect(fixture('sample.csv'), { format: 'parquet' })).rejects.toThrow(/not a readable parquet file/);
  });
});
