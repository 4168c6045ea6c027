/**
 * `ride-duration compare`: RMSE and MAE against actual durations on the rides of 1–60 minutes, the
 * same on parquet and on CSV, and equal to the figures from scikit-learn's own predictions (the
 * golden files) and the durations the trainer's fixture lists for those rides.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareCommand, runCompare, type CompareSummary } from '../../cli/commands/compare.js';
import { CliError } from '../../cli/errors.js';
import { loadCliModel } from '../../cli/model.js';
import { memoryIO, repoPath } from './support.js';

const PARQUET = repoPath('test/fixtures/train/green_tripdata_2021-02.first2000.parquet');
/** The same February rides as CSV: the bundled sample's first 2,000 rows. */
const CSV = repoPath('local/data/green_tripdata_2021-02.sample.csv');
const COURSE = repoPath('model-artifacts/lin_reg.bin');
const LASSO = repoPath('test/fixtures/models/lasso-sklearn-1.5.0.bin');
const PASSENGER = repoPath('test/fixtures/models/contract/passenger-linreg.bin');

const lines = (path: string): string[][] => readFileSync(repoPath(path), 'utf8').trim().split('\n').slice(1).map((line) => line.split(','));

/** RMSE and MAE of scikit-learn's predictions (golden, by features) on the course-filtered rides of the trainer's fixture. */
function expected(golden: string): { rmse: number; mae: number; rides: number } {
  const key = (...cells: Array<string | undefined>): string => cells.map(Number).join(',');
  const prediction = new Map(lines(golden).map(([pu, dropoff, distance, value]) => [key(pu, dropoff, distance), Number(value)]));
  let squared = 0;
  let absolute = 0;
  const rides = lines('test/fixtures/train/feb-2021-first2000.csv');
  for (const [pu, dropoff, distance, duration] of rides) {
    const error = prediction.get(key(pu, dropoff, distance))! - Number(duration);
    squared += error * error;
    absolute += Math.abs(error);
  }
  return { rmse: Math.sqrt(squared / rides.length), mae: absolute / rides.length, rides: rides.length };
}

describe('compare', () => {
  it('matches scikit-learn on parquet, and CSV gives the same figures', async () => {
    const io = memoryIO();
    const parquet = await runCompare({ model: [COURSE, LASSO], input: PARQUET, json: true }, io);
    expect(JSON.parse(io.out())).toStrictEqual(JSON.parse(JSON.stringify(parquet)));
    expect(parquet).toMatchObject({ read: 2000, evaluated: 1873 });
    for (const [model, golden] of [[0, 'test/fixtures/golden/official-lin_reg.csv'], [1, 'test/fixtures/golden/lasso-sklearn-1.5.0.csv']] as const) {
      const want = expected(golden);
      expect(parquet.models[model]!.rides).toBe(want.rides);
      expect(parquet.models[model]!.rmse).toBeCloseTo(want.rmse, 12);
      expect(parquet.models[model]!.mae).toBeCloseTo(want.mae, 12);
    }
    expect(parquet.models[0]!.version).toBe('sha256:b51a38fd7db9');

    const csv = await runCompare({ model: [COURSE, LASSO], input: CSV, limit: 2000 }, memoryIO());
    const figures = (s: CompareSummary) => s.models.map(({ rides, unscorable, rmse, mae }) => ({ rides, unscorable, rmse, mae }));
    expect(figures(csv)).toStrictEqual(figures(parquet));
  });

  it('prints a table; a model reading a column the file lacks scores no ride, the others are compared', async () => {
    const io = memoryIO();
    const summary = await runCompare({ model: [COURSE, PASSENGER], input: CSV, limit: 500 }, io);
    const [header, course, passenger] = io.out().trimEnd().split('\n');
    expect(header).toMatch(/^model\s+version\s+rides\s+unscorable\s+RMSE\s+MAE$/);
    expect(course).toContain('sha256:b51a38fd7db9');
    expect(passenger).toMatch(/passenger-linreg\.bin\s+sha256:53e78f21b5ac\s+0\s+\d+\s+NaN\s+NaN$/);
    expect(summary.models[1]!.unscorable).toBe(summary.evaluated);
    expect(io.err()).toContain('no column passenger_count');
  });

  it('refuses a file without times, or without rides, by its header before the models load', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'compare-'));
    try {
      let loaded = 0;
      const loadModel = async (location: string | undefined) => {
        loaded++;
        return loadCliModel(location);
      };
      const noTimes = join(dir, 'no-times.csv');
      await writeFile(noTimes, 'PULocationID,DOLocationID,trip_distance\n130,205,3.66\n');
      const headerOnly = join(dir, 'header-only.csv');
      await writeFile(headerOnly, 'PULocationID,DOLocationID,trip_distance,lpep_pickup_datetime,lpep_dropoff_datetime\n');
      const refusal = async (input: string): Promise<CliError> => {
        const error = await runCompare({ model: [COURSE, LASSO], input }, memoryIO(), { loadModel }).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(CliError);
        return error as CliError;
      };
      const times = await refusal(noTimes);
      expect(times.exitCode).toBe(1);
      expect(times.message).toMatch(/^-i .*no-times\.csv: no pick-up time column \(lpep_pickup_datetime, tpep_pickup_datetime or pickup_datetime\); compare needs them for the actual durations$/);
      expect((await refusal(headerOnly)).message).toBe(`-i ${headerOnly}: no rides in the file; give a file with at least one ride`);
      expect(loaded).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('--help: -m is required and repeated, so it shows no default', () => {
    let help = '';
    compareCommand(memoryIO())
      .configureOutput({ writeOut: (text) => (help += text) })
      .outputHelp();
    expect(help).toMatch(/-m, --model <path\|s3:\/\/…>\s+a model, given twice or more:/);
    expect(help).not.toMatch(/default: model-artifacts/);
  });

  it('needs two models', async () => {
    await expect(runCompare({ model: [COURSE], input: CSV }, memoryIO())).rejects.toThrow(/two or more models/);
  });
});
