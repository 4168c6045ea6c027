import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COURSE_BATCH_COLUMNS, openParquetOutput, rideIdPrefix } from '../../cli/batch-output.js';
import { runScore } from '../../cli/commands/score.js';
import { fileSink } from '../../io/index.js';
import { courseModel } from '../support/model.js';
import { csvRows, memoryIO, repoPath, sharedPath } from '../cli/support.js';

const SAMPLE = repoPath('local/data/green_tripdata_2021-02.sample.csv');
const GOLDEN_2000 = repoPath('test/fixtures/golden/official-lin_reg.csv');
const VERSION = 'sha256:b51a38fd7db9';

/** Independent oracle: the sample's rides with their course duration (minutes), by row index. */
function sampleRides(limit: number) {
  const rows = csvRows(readFileSync(SAMPLE, 'utf8')).slice(0, limit);
  return rows.map(([, pickup, dropoff, pu, dO], index) => {
    const p = Date.parse(`${(pickup as string).replace(' ', 'T')}Z`);
    const d = Date.parse(`${(dropoff as string).replace(' ', 'T')}Z`);
    return { index, pickup: pickup as string, pu: Number(pu), do: Number(dO), duration: (d - p) / 1000 / 60 };
  });
}

const golden = csvRows(readFileSync(GOLDEN_2000, 'utf8')).map((r) => Number(r[3]));

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'batch-course-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

function expectCourseRows(rows: ReadonlyArray<Record<string, unknown>>, limit: number) {
  const expected = sampleRides(limit).filter((r) => r.duration >= 1 && r.duration <= 60);
  expect(rows).toHaveLength(expected.length);
  let sum = 0;
  rows.forEach((row, i) => {
    const e = expected[i]!;
    const predicted = golden[e.index]!;
    expect(row['ride_id']).toBe(`2021/02_${e.index}`);
    expect(Number(row['PULocationID'])).toBe(e.pu);
    expect(Number(row['DOLocationID'])).toBe(e.do);
    expect(Number(row['actual_duration'])).toBe(e.duration);
    // Predictions are the model runtime's, equal to scikit-learn's golden ones.
    expect(Math.abs(Number(row['predicted_duration']) - predicted)).toBeLessThanOrEqual(1e-9 * Math.abs(predicted));
    expect(Number(row['diff'])).toBe(Number(row['actual_duration']) - Number(row['predicted_duration']));
    expect(row['model_version']).toBe(VERSION);
    sum += (e.duration - predicted) ** 2;
  });
  return Math.sqrt(sum / rows.length);
}

describe('score --layout course: the course batch output (2,000 Feb 2021 rides vs golden predictions)', () => {
  it('CSV: course columns, 1–60 min rides only, ride_id from the file month and row, golden predictions, RMSE summary', async () => {
    const output = join(dir, 'out.csv');
    const io = memoryIO();
    const summary = await runScore({ input: SAMPLE, output, layout: 'course', limit: 2000 }, io, { loadModel: () => courseModel() });
    const text = readFileSync(output, 'utf8');
    const [header, ...lines] = text.trimEnd().split('\n');
    expect(header).toBe(COURSE_BATCH_COLUMNS.join(','));
    const rows = lines.map((line) => Object.fromEntries(line.split(',').map((v, i) => [COURSE_BATCH_COLUMNS[i], v])));
    const rmse = expectCourseRows(rows, 2000);
    expect(rows[0]).toMatchObject({ ride_id: '2021/02_0', lpep_pickup_datetime: '2021-02-01 00:34:03', predicted_duration: '12.78553032985699' });
    expect(summary.rides).toBe(rows.length);
    const left = 2000 - rows.length;
    expect(left).toBeGreaterThan(0);
    expect(io.err()).toContain(`course layout: ${left} ride(s) left out`);
    const reported = Number(/RMSE predicted vs actual duration: (\S+) min over (\d+)/.exec(io.err())?.[1]);
    expect(reported).toBeCloseTo(rmse, 12);
  });

  it("parquet: same rows, the course's column types (text location ids, DOUBLE durations, naive TIMESTAMP micros), in row groups", async () => {
    const output = join(dir, 'out.parquet');
    await runScore({ input: SAMPLE, output, layout: 'course', limit: 2000 }, memoryIO(), { loadModel: () => courseModel() });
    const file = await asyncBufferFromFile(output);
    const metadata = await parquetMetadataAsync(file);
    const types = Object.fromEntries(metadata.schema.slice(1).map((s) => [s.name, s.type]));
    expect(types).toEqual({
      // Text location ids, as the course writes them (its prepare_dictionaries makes them str in the frame).
      ride_id: 'BYTE_ARRAY', lpep_pickup_datetime: 'INT64', PULocationID: 'BYTE_ARRAY', DOLocationID: 'BYTE_ARRAY',
      actual_duration: 'DOUBLE', predicted_duration: 'DOUBLE', diff: 'DOUBLE', model_version: 'BYTE_ARRAY',
    });
    expect(metadata.schema[2]?.logical_type).toEqual({ type: 'TIMESTAMP', isAdjustedToUTC: false, unit: 'MICROS' });
    const rows = await parquetReadObjects({ file, compressors });
    expectCourseRows(rows, 2000);
    expect((rows[0]?.['lpep_pickup_datetime'] as Date).toISOString()).toBe('2021-02-01T00:34:03.000Z');
    // Only the final file remains (no .partial left behind).
    expect((await readdir(dir)).filter((f) => f.includes('partial'))).toEqual([]);
  });

  it('the golden layout can be written as parquet too', async () => {
    const output = join(dir, 'features.parquet');
    await runScore({ input: SAMPLE, output, limit: 5 }, memoryIO(), { loadModel: () => courseModel() });
    const rows = await parquetReadObjects({ file: await asyncBufferFromFile(output), compressors });
    expect(rows[0]).toEqual({ PULocationID: 130n, DOLocationID: 205n, trip_distance: 3.66, prediction: 12.78553032985699 });
  });

  it('parquet output streams: one row group per filled buffer, values intact across groups', async () => {
    const output = join(dir, 'groups.parquet');
    const out = openParquetOutput(fileSink(output), ['ride_id', 'PULocationID', 'prediction'], ['string', 'int64', 'double'], 100);
    for (let i = 0; i < 250; i++) await out.write([`r${i}`, { int: i }, i / 7]);
    await out.commit();
    const file = await asyncBufferFromFile(output);
    const metadata = await parquetMetadataAsync(file);
    expect(metadata.row_groups.map((g) => Number(g.num_rows))).toEqual([100, 100, 50]);
    const rows = await parquetReadObjects({ file, compressors });
    expect(rows[249]).toEqual({ ride_id: 'r249', PULocationID: 249n, prediction: 249 / 7 });
  });

  it('parquet output: empty cells stay nulls in every column kind, ids of any text intact', async () => {
    const output = join(dir, 'nulls.parquet');
    const kinds = ['id', 'int64', 'double', 'timestamp', 'string'] as const;
    const out = openParquetOutput(fileSink(output), ['id', 'n', 'x', 'at', 'text'], kinds, 4);
    const pickup = Date.UTC(2021, 1, 1, 0, 34, 3);
    await out.write(['a/1', { int: 1 }, 0.5, { naiveMs: pickup }, 'x']);
    await out.write(['b/2', null, null, null, null]);
    await out.write(['c/3', { int: 3 }, 1.5, '2021-02-01 00:40:00', 'z']);
    // A group with a null id and one with a non-ASCII id: both written as given.
    await out.write([null, { int: 4 }, 2.5, { naiveMs: pickup }, 'w']);
    await out.write(['é/5', { int: 5 }, 3.5, { naiveMs: pickup }, 'v']);
    await out.commit();
    const rows = await parquetReadObjects({ file: await asyncBufferFromFile(output), compressors });
    expect(rows.map((r) => r['id'])).toEqual(['a/1', 'b/2', 'c/3', null, 'é/5']);
    expect(rows[1]).toEqual({ id: 'b/2', n: null, x: null, at: null, text: null });
    expect(rows.map((r) => r['n'])).toEqual([1n, null, 3n, 4n, 5n]);
    expect(rows.map((r) => r['x'])).toEqual([0.5, null, 1.5, 2.5, 3.5]);
    expect((rows[0]!['at'] as Date).getTime()).toBe(pickup);
    expect((rows[2]!['at'] as Date).getTime()).toBe(Date.UTC(2021, 1, 1, 0, 40));
  });

  it('parquet output: columns declared never empty are REQUIRED, and an empty cell in one fails', async () => {
    const output = join(dir, 'required.parquet');
    const out = openParquetOutput(fileSink(output), ['id', 'x', 'text'], ['id', 'double', 'string'], 2, [true, true, false]);
    await out.write(['a', 0.5, null]);
    await out.write(['b', 1.5, 'y']);
    await out.write(['c', 2.5, 'z']);
    await out.commit();
    const file = await asyncBufferFromFile(output);
    const schema = (await parquetMetadataAsync(file)).schema.slice(1).map((e) => [e.name, e.repetition_type]);
    expect(schema).toEqual([['id', 'REQUIRED'], ['x', 'REQUIRED'], ['text', 'OPTIONAL']]);
    expect(await parquetReadObjects({ file, compressors })).toEqual([
      { id: 'a', x: 0.5, text: null },
      { id: 'b', x: 1.5, text: 'y' },
      { id: 'c', x: 2.5, text: 'z' },
    ]);
    const broken = openParquetOutput(fileSink(join(dir, 'broken.parquet')), ['id', 'x'], ['id', 'double'], 2, [true, true]);
    expect(() => broken.write(['a', null])).toThrow(/column x is never empty/);
    await broken.abort();
  });

  it('parquet output: an INT64 column refuses a value beyond 64 bits rather than wrapping it', async () => {
    const out = openParquetOutput(fileSink(join(dir, 'int64.parquet')), ['n'], ['int64'], 4);
    await out.write([{ int: 2 ** 53 }]);
    expect(() => out.write(['9223372036854775808'])).toThrow(/INT64 value out of range: 9223372036854775808/);
    await out.abort();
  });

  it('ride_id prefix: from a TLC file name, else from the first pickup', () => {
    expect(rideIdPrefix('/x/green_tripdata_2021-02.parquet', null)).toBe('2021/02_');
    expect(rideIdPrefix('rides.csv', Date.UTC(2022, 0, 31, 23))).toBe('2022/01_');
    expect(rideIdPrefix('rides.csv', null)).toBeUndefined();
  });
});

const FEB = sharedPath('data/green_tripdata_2021-02.parquet');
const GOLDEN_FULL = sharedPath('golden/official-lin_reg.green_2021-02.csv');

describe.skipIf(!existsSync(FEB) || !existsSync(GOLDEN_FULL))('score --layout course on all of February 2021 (needs ../shared)', () => {
  it('every kept ride carries scikit-learn’s golden prediction; parquet streamed from parquet', async () => {
    const output = join(dir, 'feb.parquet');
    const io = memoryIO();
    await runScore({ input: FEB, output, layout: 'course' }, io, { loadModel: () => courseModel() });
    const full = csvRows(readFileSync(GOLDEN_FULL, 'utf8')).map((r) => Number(r[3]));
    const rows = await parquetReadObjects({ file: await asyncBufferFromFile(output), compressors, columns: ['ride_id', 'predicted_duration', 'actual_duration'] });
    expect(rows).toHaveLength(61921); // rides of 1–60 min, as the trainer's validation set
    let worst = 0;
    for (const row of rows) {
      const index = Number(String(row['ride_id']).split('_')[1]);
      const g = full[index]!;
      worst = Math.max(worst, Math.abs((row['predicted_duration'] as number) - g) / Math.abs(g));
      expect(row['actual_duration']).toBeGreaterThanOrEqual(1);
      expect(row['actual_duration']).toBeLessThanOrEqual(60);
    }
    expect(worst).toBeLessThanOrEqual(1e-9);
    // The summary's RMSE, recomputed from scikit-learn's predictions.
    let sum = 0;
    for (const row of rows) sum += ((row['actual_duration'] as number) - full[Number(String(row['ride_id']).split('_')[1])]!) ** 2;
    const reported = Number(/RMSE predicted vs actual duration: (\S+) min over 61921 ride\(s\)/.exec(io.err())?.[1]);
    expect(reported).toBeCloseTo(Math.sqrt(sum / rows.length), 9);
  });
});
