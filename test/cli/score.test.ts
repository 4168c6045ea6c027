import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { DEFAULT_MODEL_PATH, loadCliModel, resolveModelLocation } from '../../cli/model.js';
import { asyncBufferFromFile, parquetReadObjects } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';

import { runScore } from '../../cli/commands/score.js';
import { MissingRideColumnError, RideFileError } from '../../io/index.js';
import { ModelContractError } from '../../lambda/model/errors.js';
import { closeTo, csvRows, HOMEWORK_MODEL, memoryIO, repoPath, sharedPath, writeTinyModel } from './support.js';

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
    expect(summary).toMatchObject({ rides: 2000, predicted: 2000 });

    const expected = csvRows(readFileSync(input, 'utf8'));
    const actual = csvRows(readFileSync(output, 'utf8'));
    expect(readFileSync(output, 'utf8').split('\n')[0]).toBe('PULocationID,DOLocationID,trip_distance,prediction');
    expect(actual).toHaveLength(expected.length);
    actual.forEach((row, i) => {
      const want = expected[i] ?? [];
      expect(row.slice(0, 3)).toEqual(want.slice(0, 3)); // inputs printed as Python prints them
      if (!closeTo(Number(row[3]), Number(want[3]))) throw new Error(`row ${i}: ${row[3]} vs ${want[3]}`);
    });
    expect(io.err()).toMatch(/scored 2000 ride\(s\).*2000 predicted/);
    expect(io.err()).toMatch(/^ride fields: PULocationID \(integer\), DOLocationID \(integer\), trip_distance \(number >= 0\)$/m);
  });

  it('reports drift: rides with a PU_DO pair the course model never saw, with examples', async () => {
    const io = memoryIO();
    const input = repoPath('test/fixtures/golden/official-lin_reg.csv');
    const summary = await runScore({ input, output: join(dir, 'drift.csv') }, io);
    // Recount from the CSV text: rides whose PU_DO pair is not among the model's feature names.
    const names = new Set((await loadCliModel(undefined)).predictor.features.featureNames());
    const unseen = csvRows(readFileSync(input, 'utf8')).filter(([pu, dO]) => !names.has(`PU_DO=${pu}_${dO}`));
    expect(summary.unseen).toBe(unseen.length);
    expect(summary.unseen).toBeGreaterThan(0);
    expect(summary.unseenExamples[0]).toBe(`PU_DO=${unseen[0]?.[0]}_${unseen[0]?.[1]}`);
    const share = ((100 * summary.unseen) / 2000).toFixed(2);
    expect(io.err()).toContain(`drift: ${summary.unseen} of 2000 ride(s) (${share}%) had a one-hot value the model never saw, scored without it as scikit-learn does: "${summary.unseenExamples[0]}"`);
  });

  it('stops at the first ride lacking a field the model needs, naming its row and the field, and writes nothing', async () => {
    const sub = await mkdtemp(join(dir, 'stop-'));
    const output = join(sub, 'out.csv');
    const error = await runScore({ input: repoPath('test/fixtures/rides/sample.csv'), output }, memoryIO()).catch((e: unknown) => e);
    expect(String(error)).toMatch(/sample\.csv: ride at row 2 \(counting from 0\): trip_distance: missing; nothing written/);
    expect(await readdir(sub)).toEqual([]);
    // A value of the wrong type is named as such.
    const wrong = join(sub, 'wrong.csv');
    await writeFile(wrong, 'PULocationID,DOLocationID,trip_distance\n130,205,3.66\n130.5,205,1\n', 'utf8');
    await expect(runScore({ input: wrong, output }, memoryIO())).rejects.toThrow(/wrong\.csv: ride at row 1 \(counting from 0\): PULocationID: expected an integer; nothing written/);
    await expect(runScore({ input: wrong, output: join(sub, 'out.parquet') }, memoryIO())).rejects.toThrow(/row 1/);
    expect(await readdir(sub)).toEqual(['wrong.csv']);
  });

  it('scores a homework-style model (location ids one-hot as text, no distance) from a file without trip_distance', async () => {
    const model = await writeTinyModel(dir, 'homework.json', HOMEWORK_MODEL);
    const input = join(dir, 'homework-rides.csv');
    await writeFile(input, 'DOLocationID,PULocationID,zone\n205,130,x\n244,152,y\n205,999,z\n', 'utf8');
    const output = join(dir, 'homework.csv');
    const io = memoryIO();
    const summary = await runScore({ input, output, model }, io);
    expect(summary).toMatchObject({ rides: 3, predicted: 3, unseen: 1, unseenExamples: ['PULocationID=999'] });
    // coef[DO] + coef[PU] + intercept, in column order; an unseen id is dropped, as DictVectorizer does.
    const [header = '', ...lines] = readFileSync(output, 'utf8').trimEnd().split('\n');
    const rows = lines.map((line) => Object.fromEntries(line.split(',').map((cell, i) => [header.split(',')[i], cell])));
    expect(header.split(',').sort()).toEqual(['DOLocationID', 'PULocationID', 'prediction']);
    expect(rows).toEqual([
      { PULocationID: '130', DOLocationID: '205', prediction: '26.5' },
      { PULocationID: '152', DOLocationID: '244', prediction: '25.75' },
      { PULocationID: '999', DOLocationID: '205', prediction: '25.25' },
    ]);
    expect(io.err()).toContain('contract: DOLocationID (one-hot) ← ride.DOLocationID (integer); PULocationID (one-hot) ← ride.PULocationID (integer)');
    expect(io.err()).toContain('drift: 1 of 3 ride(s) (33.33%) had a one-hot value the model never saw, scored without it as scikit-learn does: "PULocationID=999"');
  });

  it('writes the fields with their types to parquet: integers INT64, timestamps naive TIMESTAMP', async () => {
    // A model reading the pickup hour through a recipe: the file must carry lpep_pickup_datetime.
    const model = await writeTinyModel(dir, 'hour.json', {
      featureNames: ['PULocationID=130', 'PULocationID=152', 'pickup_hour'],
      coef: [1, 2, 0.5],
      intercept: 10,
      recipe: { format: 'ride-duration-recipe/v1', derived: { pickup_hour: { hour: 'lpep_pickup_datetime' } } },
    });
    const output = join(dir, 'hour.parquet');
    const summary = await runScore({ input: repoPath('test/fixtures/rides/sample.csv'), output, model, limit: 2 }, memoryIO());
    expect(summary).toMatchObject({ rides: 2, unseen: 0 });
    const rows = await parquetReadObjects({ file: await asyncBufferFromFile(output), compressors });
    expect(rows).toEqual([
      { lpep_pickup_datetime: new Date(Date.UTC(2021, 1, 1, 0, 34, 3)), PULocationID: 130n, prediction: 1 + 0 + 10 },
      { lpep_pickup_datetime: new Date(Date.UTC(2021, 1, 1, 0, 4, 0)), PULocationID: 152n, prediction: 2 + 0 + 10 },
    ]);
  });

  it('refuses a file lacking columns the model needs, naming every one, before writing anything', async () => {
    const sub = await mkdtemp(join(dir, 'columns-'));
    const model = await writeTinyModel(dir, 'passengers.json', { featureNames: ['passenger_count', 'trip_type=1'], coef: [1, 2], intercept: 3 });
    const error = await runScore({ input: repoPath('test/fixtures/rides/sample.csv'), output: join(sub, 'out.csv'), model }, memoryIO()).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(MissingRideColumnError);
    expect(String(error)).toMatch(/sample\.csv: missing required column\(s\) passenger_count, trip_type$/);
    expect(await readdir(sub)).toEqual([]);
  });

  it('refuses a model it cannot serve before reading any input', async () => {
    const sub = await mkdtemp(join(dir, 'refused-'));
    const model = await writeTinyModel(dir, 'zone.json', { featureNames: ['pickup_zone=Astoria', 'trip_distance'], coef: [1, 2], intercept: 3 });
    // The input exists and has every column; the model's refusal comes before its first byte is read.
    const error = await runScore({ input: repoPath('test/fixtures/rides/sample.csv'), output: join(sub, 'out.csv'), model }, memoryIO()).catch((e: unknown) => e);
    expect((error as Error).cause).toBeInstanceOf(ModelContractError);
    expect((error as Error).message).toMatch(/^-m .*zone\.json: the model cannot be served: .*"pickup_zone"/);
    expect(await readdir(sub)).toEqual([]);
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

  // A real terminal: util-linux `script` gives the command a pty, on which the bar is drawn.
  const hasScript = spawnSync('script', ['--version'], { stdio: 'ignore' }).status === 0;
  it.skipIf(!hasScript)('on a terminal: a bar with a percentage for parquet (its footer counts the rides), a running count for CSV', async () => {
    const screenOf = async (input: string, output: string): Promise<string> => {
      const command = `"${process.execPath}" "${repoPath('bin/ride-duration.js')}" score -i "${input}" -o "${output}"`;
      const child = spawn('script', ['-qfec', command, '/dev/null'], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, DEBUG: '' } });
      let screen = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (screen += chunk));
      const [code] = (await once(child, 'exit')) as [number | null];
      expect(code).toBe(0);
      return screen;
    };
    const csv = await screenOf(repoPath('local/data/green_tripdata_2021-02.sample.csv'), join(dir, 'tty.csv'));
    expect(csv).toContain('scoring: 3000 rides read | ');
    expect(csv).not.toMatch(/scoring \[/);
    const parquet = await screenOf(repoPath('test/fixtures/train/green_tripdata_2021-02.first2000.parquet'), join(dir, 'tty-parquet.csv'));
    expect(parquet).toMatch(/scoring \[[^\]]*\] 100% 2000\/2000 rides/);
  });
});
