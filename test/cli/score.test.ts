import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { DEFAULT_MODEL_PATH, resolveModelLocation } from '../../cli/model.js';
import { runScore } from '../../cli/commands/score.js';
import { RideFileError } from '../../io/index.js';
import { closeTo, csvRows, memoryIO, repoPath, sharedPath } from './support.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'score-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Fixture models and their scikit-learn predictions on the first 2,000 rides of February 2021. */
const MODELS: Array<[golden: string, model: string | undefined]> = [
  ['official-lin_reg', undefined], // the default model-artifacts/lin_reg.bin
  ['official-rf-mlflow', 'test/fixtures/models/official-rf-mlflow'],
  ['linreg-sklearn-1.5.0-numpy2', 'test/fixtures/models/linreg-sklearn-1.5.0-numpy2.bin'],
  ['lasso-sklearn-1.5.0', 'test/fixtures/models/lasso-sklearn-1.5.0.bin'],
];

describe('score', () => {
  it('finds the default model from the repository, not the working directory', () => {
    expect(DEFAULT_MODEL_PATH).toBe(repoPath('model-artifacts/lin_reg.bin'));
    expect(resolveModelLocation(undefined)).toBe(DEFAULT_MODEL_PATH);
    expect(resolveModelLocation('s3://bucket/key.bin')).toBe('s3://bucket/key.bin');
  });

  it.each(MODELS)('writes scikit-learn predictions of %s on 2,000 real rides', async (golden, model) => {
    const input = repoPath(`test/fixtures/golden/${golden}.csv`);
    const output = join(dir, `${golden}.csv`);
    const io = memoryIO();
    const summary = await runScore({ input, output, model: model === undefined ? undefined : repoPath(model) }, io);
    expect(summary).toMatchObject({ rides: 2000, predicted: 2000, missing: 0 });

    const expected = csvRows(readFileSync(input, 'utf8'));
    const actual = csvRows(readFileSync(output, 'utf8'));
    expect(readFileSync(output, 'utf8').split('\n')[0]).toBe('PULocationID,DOLocationID,trip_distance,prediction');
    expect(actual).toHaveLength(expected.length);
    actual.forEach((row, i) => {
      const want = expected[i] ?? [];
      expect(row.slice(0, 3)).toEqual(want.slice(0, 3)); // inputs printed as Python prints them
      if (!closeTo(Number(row[3]), Number(want[3]))) throw new Error(`row ${i}: ${row[3]} vs ${want[3]}`);
    });
    expect(io.err()).toMatch(/scored 2000 ride\(s\).*2000 predicted, 0 empty/);
  });

  it('keeps rides with missing fields, with an empty prediction, and counts them on stderr', async () => {
    const output = join(dir, 'missing.csv');
    const io = memoryIO();
    const summary = await runScore({ input: repoPath('test/fixtures/rides/sample.csv'), output }, io);
    expect(summary).toMatchObject({ rides: 6, predicted: 3, missing: 3, missingRows: [2, 3, 4] });
    expect(readFileSync(output, 'utf8')).toBe(
      [
        'PULocationID,DOLocationID,trip_distance,prediction',
        '130,205,3.66,12.78553032985699',
        '152,244,1.1,10.487934922247181',
        '152,48,,',
        ',75,2.0,',
        ',41,2.04,',
        '10,50,40.0,26.43883355119793',
        '',
      ].join('\n'),
    );
    expect(io.err()).toMatch(/3 ride\(s\) lack PULocationID, DOLocationID or trip_distance: written with an empty prediction \(rows 2, 3, 4\)/);
  });

  it('reads JSON lines and honours --limit', async () => {
    const output = join(dir, 'jsonl.csv');
    await runScore({ input: repoPath('test/fixtures/rides/sample.jsonl'), output, limit: 2 }, memoryIO());
    expect(readFileSync(output, 'utf8')).toBe(
      'PULocationID,DOLocationID,trip_distance,prediction\n130,205,3.66,12.78553032985699\n152,244,1.1,10.487934922247181\n',
    );
  });

  it('fails clearly on bad input and leaves no output file behind', async () => {
    const sub = await mkdtemp(join(dir, 'bad-'));
    await expect(
      runScore({ input: repoPath('test/fixtures/rides/bad-quote.csv'), output: join(sub, 'out.csv') }, memoryIO()),
    ).rejects.toThrow(RideFileError);
    await expect(runScore({ input: repoPath('test/fixtures/rides/sample.csv'), output: join(sub, 'out.txt') }, memoryIO())).rejects.toThrow(
      /must be a \.csv or \.parquet file/,
    );
    await expect(
      runScore({ input: repoPath('test/fixtures/rides/sample.csv'), output: join(sub, 'out.csv'), model: join(sub, 'nope.bin') }, memoryIO()),
    ).rejects.toThrow(/nope\.bin/);
    expect(await readdir(sub)).toEqual([]);
  });

  const FEB = sharedPath('data/green_tripdata_2021-02.parquet');
  it.skipIf(!existsSync(FEB))('reproduces the golden file byte for byte on all of February 2021 (needs ../shared)', async () => {
    const output = join(dir, 'feb.csv');
    const summary = await runScore({ input: FEB, output }, memoryIO());
    expect(summary.rides).toBe(64_572);
    expect(readFileSync(output, 'utf8')).toBe(readFileSync(sharedPath('golden/official-lin_reg.green_2021-02.csv'), 'utf8'));
  });
});
