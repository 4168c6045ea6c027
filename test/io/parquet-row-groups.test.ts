/**
 * The parquet reader on a file written here: several GZIP row groups, nullable columns, naive
 * timestamps. Runs in a fresh clone (no ../shared), where the TLC files are absent.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { parquetMetadata } from 'hyparquet';
import type { SchemaElement } from 'hyparquet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { fileSource, MissingRideColumnError, readRideBatches, readRides, rideFileInfo } from '../../io/index.js';
import type { ReadRidesOptions, RideRow, RideSource } from '../../io/index.js';

const ROWS = 250;
const GROUP = 100;
const BASE = Date.UTC(2021, 1, 1, 0, 0, 0); // naive 2021-02-01 00:00:00

/** Ride i: ids and distance derived from i; every 7th ride lacks its DOLocationID, every 11th its distance. */
function expected(i: number): RideRow {
  const PULocationID = 1 + (i % 265);
  const DOLocationID = i % 7 === 3 ? null : 265 - (i % 265);
  const trip_distance = i % 11 === 5 ? null : i / 8;
  return {
    rowIndex: i,
    PULocationID,
    DOLocationID,
    trip_distance,
    pickup: BASE + i * 60_000,
    dropoff: BASE + i * 60_000 + 754_000,
    rideId: `ride-${i}`,
    fields: { PULocationID, DOLocationID, trip_distance },
  };
}

/** Columns beyond the course's: a flag (text, every 13th null), a count stored as DOUBLE as in the TLC files. */
const flag = (i: number): string | null => (i % 13 === 6 ? null : i % 2 === 0 ? 'N' : 'Y');
const passengers = (i: number): number => (i % 17 === 4 ? 2.5 : i % 5);

const optional = { repetition_type: 'OPTIONAL' } as const;
const timestamp = { type: 'INT64', logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: false, unit: 'MICROS' }, ...optional } as const;
const SCHEMA: SchemaElement[] = [
  { name: 'root', num_children: 8 },
  { name: 'lpep_pickup_datetime', ...timestamp },
  { name: 'lpep_dropoff_datetime', ...timestamp },
  { name: 'PULocationID', type: 'INT64', ...optional },
  { name: 'DOLocationID', type: 'INT64', ...optional },
  { name: 'trip_distance', type: 'DOUBLE', ...optional },
  { name: 'ride_key', type: 'BYTE_ARRAY', converted_type: 'UTF8', logical_type: { type: 'STRING' }, ...optional },
  { name: 'store_and_fwd_flag', type: 'BYTE_ARRAY', converted_type: 'UTF8', logical_type: { type: 'STRING' }, ...optional },
  { name: 'passenger_count', type: 'DOUBLE', ...optional },
];

let dir: string;
let path: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'io-parquet-'));
  path = join(dir, 'rides.parquet');
  const rows = Array.from({ length: ROWS }, (_, i) => expected(i));
  const big = (n: number | null): bigint | null => (n === null ? null : BigInt(n));
  const buffer = parquetWriteBuffer({
    schema: SCHEMA,
    columnData: [
      { name: 'lpep_pickup_datetime', data: rows.map((r) => big(r.pickup === null ? null : r.pickup * 1000)) },
      { name: 'lpep_dropoff_datetime', data: rows.map((r) => big(r.dropoff === null ? null : r.dropoff * 1000)) },
      { name: 'PULocationID', data: rows.map((r) => big(r.PULocationID)) },
      { name: 'DOLocationID', data: rows.map((r) => big(r.DOLocationID)) },
      { name: 'trip_distance', data: rows.map((r) => r.trip_distance) },
      { name: 'ride_key', data: rows.map((r) => r.rideId) },
      { name: 'store_and_fwd_flag', data: rows.map((r) => flag(r.rowIndex)) },
      { name: 'passenger_count', data: rows.map((r) => passengers(r.rowIndex)) },
    ],
    rowGroupSize: GROUP,
    codec: 'GZIP', // as the TLC files
    compressors: { GZIP: (input: Uint8Array) => gzipSync(input) },
  });
  await writeFile(path, new Uint8Array(buffer));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function collect(options: ReadRidesOptions): Promise<RideRow[]> {
  const rows: RideRow[] = [];
  for await (const row of readRides(path, options)) rows.push(row);
  return rows;
}

describe('parquet rides over several GZIP row groups', () => {
  it('opens a given source once for its footer and its rides (one HEAD and footer read over HTTP or S3)', async () => {
    let opens = 0;
    const file = fileSource(path);
    const source: RideSource = { ...file, asyncBuffer: () => (opens++, file.asyncBuffer()) };
    const info = await rideFileInfo(path, 'parquet', source);
    let rides = 0;
    for await (const batch of readRideBatches(path, {}, source)) rides += batch.length;
    expect(rides).toBe(info.rows);
    expect(opens).toBe(1);
  });

  it('reads every ride in order, nulls kept as null, naive times exact', async () => {
    const rows = await collect({ idColumn: 'ride_key' });
    expect(rows).toEqual(Array.from({ length: ROWS }, (_, i) => expected(i)));
    expect(await rideFileInfo(path)).toMatchObject({ format: 'parquet', rows: ROWS });
  });

  it('serves ranges that start and end inside different row groups', async () => {
    const rows = await collect({ offset: 95, limit: 110 });
    expect(rows.map((r) => r.rowIndex)).toEqual(Array.from({ length: 110 }, (_, i) => 95 + i));
    expect(rows[0]).toEqual({ ...expected(95), rideId: null });
    expect(await collect({ offset: 240, limit: 100 })).toHaveLength(10);
    expect(await collect({ offset: 300 })).toEqual([]);
    expect(await collect({ limit: 0 })).toEqual([]);
  });

  it('stops early: a range inside the first row group never reads the others', async () => {
    // A copy whose later row groups are zeroed out (footer intact): reading them would fail.
    const bytes = new Uint8Array(await readFile(path));
    const metadata = parquetMetadata(bytes.buffer);
    const secondGroup = metadata.row_groups[1]?.columns.map((c) => Number(c.meta_data?.dictionary_page_offset ?? c.meta_data?.data_page_offset)) ?? [];
    const footerLength = new DataView(bytes.buffer).getUint32(bytes.length - 8, true);
    bytes.fill(0, Math.min(...secondGroup), bytes.length - 8 - footerLength);
    const damaged = join(dir, 'damaged.parquet');
    await writeFile(damaged, bytes);

    const rows: RideRow[] = [];
    for await (const row of readRides(damaged, { limit: GROUP })) rows.push(row);
    expect(rows).toEqual(Array.from({ length: GROUP }, (_, i) => ({ ...expected(i), rideId: null })));
    const readAll = async (): Promise<void> => {
      for await (const row of readRides(damaged)) void row;
    };
    await expect(readAll()).rejects.toThrow(/damaged\.parquet: cannot read rows 100-200/);
  });

  it('reads a codec beyond SNAPPY and GZIP (BROTLI, through hyparquet-compressors, loaded for it)', async () => {
    const brotli = join(dir, 'brotli.parquet');
    const rows = Array.from({ length: 20 }, (_, i) => expected(i));
    const buffer = parquetWriteBuffer({
      schema: SCHEMA.slice(0, 6).map((element, i) => (i === 0 ? { ...element, num_children: 5 } : element)),
      columnData: [
        { name: 'lpep_pickup_datetime', data: rows.map((r) => BigInt(r.pickup! * 1000)) },
        { name: 'lpep_dropoff_datetime', data: rows.map((r) => BigInt(r.dropoff! * 1000)) },
        { name: 'PULocationID', data: rows.map((r) => BigInt(r.PULocationID!)) },
        { name: 'DOLocationID', data: rows.map((r) => (r.DOLocationID === null ? null : BigInt(r.DOLocationID))) },
        { name: 'trip_distance', data: rows.map((r) => r.trip_distance) },
      ],
      codec: 'BROTLI',
      compressors: { BROTLI: (input: Uint8Array) => brotliCompressSync(input) },
    });
    await writeFile(brotli, new Uint8Array(buffer));
    const read: RideRow[] = [];
    for await (const row of readRides(brotli)) read.push(row);
    expect(read).toEqual(rows.map((r) => ({ ...r, rideId: null })));
  });

  it('names a missing id column', async () => {
    await expect(collect({ idColumn: 'ride_id' })).rejects.toThrow(MissingRideColumnError);
  });

  it('reads the fields a model asks for: timestamps as naive wall-clock text, DOUBLE counts as integers, text as text', async () => {
    const fields = [
      { name: 'lpep_pickup_datetime', type: 'timestamp' },
      { name: 'store_and_fwd_flag', type: 'text' },
      { name: 'PULocationID', type: 'integer' },
      { name: 'passenger_count', type: 'integer', min: 0 },
    ] as const;
    const rows = await collect({ fields, offset: 98, limit: 5 });
    expect(rows.map((r) => r.fields)).toEqual([
      { lpep_pickup_datetime: '2021-02-01 01:38:00', store_and_fwd_flag: 'N', PULocationID: 99, passenger_count: 3 },
      { lpep_pickup_datetime: '2021-02-01 01:39:00', store_and_fwd_flag: 'Y', PULocationID: 100, passenger_count: 4 },
      { lpep_pickup_datetime: '2021-02-01 01:40:00', store_and_fwd_flag: 'N', PULocationID: 101, passenger_count: 0 },
      { lpep_pickup_datetime: '2021-02-01 01:41:00', store_and_fwd_flag: 'Y', PULocationID: 102, passenger_count: 1 },
      { lpep_pickup_datetime: '2021-02-01 01:42:00', store_and_fwd_flag: 'N', PULocationID: 103, passenger_count: 2 },
    ]);
    // The course columns and times are still read, though no longer required.
    expect(rows[0]).toMatchObject({ PULocationID: 99, DOLocationID: 167, trip_distance: 98 / 8, pickup: BASE + 98 * 60_000 });
    // Ride 123 lacks its flag (123 % 13 = 6) and has 2.5 passengers (123 % 17 = 4): a missing value
    // is null; a value of the wrong kind is kept raw, for the contract to name.
    const [odd] = await collect({ fields, offset: 123, limit: 1 });
    expect(odd?.fields).toMatchObject({ store_and_fwd_flag: null, passenger_count: 2.5 });
  });

  it('needs only the columns asked for, and names every missing one before the first ride', async () => {
    const homework = [
      { name: 'PULocationID', type: 'integer' },
      { name: 'DOLocationID', type: 'integer' },
    ] as const;
    expect((await collect({ fields: homework, limit: 1 }))[0]?.fields).toEqual({ PULocationID: 1, DOLocationID: 265 });
    const wanted = [...homework, { name: 'trip_type', type: 'integer' }, { name: 'zone', type: 'text' }] as const;
    const error = await collect({ fields: wanted }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MissingRideColumnError);
    expect((error as MissingRideColumnError).columns).toEqual(['trip_type', 'zone']);
    expect(String(error)).toMatch(/rides\.parquet: missing required column\(s\) trip_type, zone$/);
  });
});
