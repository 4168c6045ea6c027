import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trainCommand } from '../../cli/commands/train.js';
import { CliError } from '../../cli/errors.js';
import { loadModel, parseModelLocation } from '../../lambda/model/index.js';
import type { NativeLinearModel } from '../../lambda/model/native-format.js';
import { memoryIO } from '../cli/support.js';
import { FIXTURES, sklearnReference } from './helpers.js';

const JAN = `${FIXTURES}green_tripdata_2021-01.first3000.parquet`;
const FEB = `${FIXTURES}green_tripdata_2021-02.first2000.parquet`;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'train-cli-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function train(args: string[]) {
  const io = memoryIO();
  await trainCommand(io).exitOverride().parseAsync(args, { from: 'user' });
  return { io, result: JSON.parse(io.out()) as Record<string, unknown> };
}

describe('ride-duration train (parquet in, native artifact out)', () => {
  it('reproduces sklearn LinearRegression on the first 3,000 Jan / 2,000 Feb rides and writes a loadable artifact', async () => {
    const ref = sklearnReference('first3000-jan_to_first2000-feb');
    const output = join(dir, 'model.json');
    const { io, result } = await train(['--train', JAN, '--val', FEB, '--output', output]);
    expect(result['valRmse']).toBeCloseTo(ref.val_rmse, 7);
    expect(result['trainRmse']).toBeCloseTo(ref.train_rmse, 7);
    expect(result).toMatchObject({ iterations: ref.early_stop_iterations, solveMode: 'sklearn-early-stop', output });
    expect(io.err()).toMatch(/2797 rides kept of 3000 \(203 outside 1–60 min, 0 with nulls\)/);
    expect(io.err()).toMatch(/LSQR stopped early by scipy's default tolerances/);
    const artifact = JSON.parse(await readFile(output, 'utf8')) as NativeLinearModel;
    expect(artifact.metadata).toMatchObject({ trainData: JAN, valData: FEB, solver: 'lsqr', alpha: 0 });
    expect(artifact.metadata['trainDataSha256']).toMatch(/^[0-9a-f]{64}$/);
    const { description } = await loadModel(parseModelLocation(output));
    expect(description).toMatchObject({ format: 'native', regressor: 'LinearRegression', featureCount: ref.features });
  });

  it('--recipe homework writes an artifact whose contract reads the location ids one-hot, and scores like the trainer', async () => {
    const ref = sklearnReference('first3000-jan_to_first2000-feb_homework');
    const output = join(dir, 'homework.json');
    const { io, result } = await train(['--recipe', 'homework', '--train', JAN, '--val', FEB, '--output', output]);
    // LSQR on the homework's doubly collinear one-hots is sensitive to summation order (see trainer.test.ts).
    expect(Math.abs(Number(result['valRmse']) - ref.val_rmse)).toBeLessThan(1e-5);
    expect(io.err()).toContain('contract: DOLocationID (one-hot) ← ride.DOLocationID (integer); PULocationID (one-hot) ← ride.PULocationID (integer)');
    const artifact = JSON.parse(await readFile(output, 'utf8')) as NativeLinearModel;
    expect(artifact.featureNames).toContain('PULocationID=130');
    expect(artifact.featureNames).toContain('DOLocationID=205');
    expect(artifact.featureNames).not.toContain('trip_distance');
    const { contract, predictor } = await loadModel(parseModelLocation(output));
    expect(contract.summary.inputs.map(({ key, kind }) => [key, kind])).toEqual([
      ['DOLocationID', 'one-hot'],
      ['PULocationID', 'one-hot'],
    ]);
    expect(contract.requiredFields.map((field) => field.name).sort()).toEqual(['DOLocationID', 'PULocationID']);
    // The contract's encoding of a ride is the trainer's feature dict, as DictVectorizer would vectorise it.
    const encoder = contract.encoder();
    const n = encoder.encode({ PULocationID: 130, DOLocationID: 205 });
    expect(predictor.score(encoder.cols, encoder.vals, n)).toBe(predictor.predictOne({ PULocationID: '130', DOLocationID: '205' }));
    const column = (name: string) => artifact.featureNames.indexOf(name);
    expect(predictor.predictOne({ PULocationID: '130', DOLocationID: '205' })).toBe(
      0 + (artifact.coef[column('DOLocationID=205')] as number) + (artifact.coef[column('PULocationID=130')] as number) + artifact.intercept,
    );
  });

  it('--help says how to train the homework recipe', () => {
    let help = '';
    trainCommand(memoryIO())
      .configureOutput({ writeOut: (text) => (help += text) })
      .outputHelp();
    expect(help).toMatch(/--recipe <name>[^]*\(choices: "course",\s+"homework", default: "course"\)/);
    expect(help).toMatch(/homework +DictVectorizer over \{PULocationID: "<PU>", DOLocationID: "<DO>"\}, ids as text, no distance/);
    expect(help).toMatch(/train --recipe homework --train/);
  });

  it('reads CSV ride files too (the bundled Feb sample, with TLC timestamps)', async () => {
    const sample = fileURLToPath(new URL('../../local/data/green_tripdata_2021-02.sample.csv', import.meta.url));
    const { io, result } = await train(['--train', JAN, '--val', sample, '--output', join(dir, 'csv.json')]);
    expect(io.err()).toMatch(/of 3000 \(/);
    expect(Number(result['valRmse'])).toBeGreaterThan(0);
  });

  it('--solver cg converges; --alpha trains Ridge', async () => {
    const ref = sklearnReference('first3000-jan_to_first2000-feb');
    const cg = await train(['--train', JAN, '--val', FEB, '--output', join(dir, 'cg.json'), '--solver', 'cg', '--tol', '1e-12']);
    expect(cg.result).toMatchObject({ solveMode: 'converged' });
    expect(cg.result['valRmse']).toBeCloseTo(ref.converged_val_rmse as number, 6);
    const ridge = await train(['--train', JAN, '--val', FEB, '--output', join(dir, 'ridge.json'), '--alpha', '1']);
    expect(ridge.result['valRmse']).toBeCloseTo(sklearnReference('first3000-jan_to_first2000-feb_ridge-alpha1').val_rmse, 6);
    expect((JSON.parse(await readFile(join(dir, 'ridge.json'), 'utf8')) as NativeLinearModel).regressor).toBe('Ridge');
  });

  it('refuses bad options and unreadable data with clear errors', async () => {
    await expect(train(['--train', JAN, '--val', FEB, '--output', join(dir, 'x.json'), '--alpha', '-1'])).rejects.toThrow(/--alpha <a>' argument '-1' is invalid. Expected a number >= 0/);
    await expect(train(['--train', JAN, '--val', FEB, '--output', join(dir, 'x.json'), '--solver', 'qr'])).rejects.toThrow(/Allowed choices are lsqr, cg/);
    await expect(train(['--train', join(dir, 'nope.parquet'), '--val', FEB, '--output', join(dir, 'x.json')])).rejects.toThrow(/--train .*nope\.parquet: no such file/);
    // A ride file without pickup/dropoff times cannot give durations: its header says so.
    await expect(train(['--train', `${FIXTURES}jan-2021-first3000.csv`, '--val', FEB, '--output', join(dir, 'x.json')])).rejects.toThrow(
      /^--train .*jan-2021-first3000\.csv: no pick-up time column \(lpep_pickup_datetime, tpep_pickup_datetime or pickup_datetime\); training reads /,
    );
  });

  /** The error of a run expected to fail, with its exit code. */
  async function refusal(args: string[]): Promise<CliError> {
    const error = await train(args).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CliError);
    return error as CliError;
  }

  it('checks --val by its footer or header before --train is read, naming the flag and the file once', async () => {
    // --train's second line is no CSV line: had it been read in full, its error would come first.
    const badTrain = join(dir, 'bad-train.csv');
    await writeFile(badTrain, 'PULocationID,DOLocationID,trip_distance,lpep_pickup_datetime,lpep_dropoff_datetime\n130,205,3.66,2021-01-01 00:00:00,2021-01-01 00:10:00\n"unclosed\n');
    const zero = join(dir, 'zero.parquet');
    await writeFile(zero, '');
    const zeroVal = await refusal(['--train', badTrain, '--val', zero, '--output', join(dir, 'x.json')]);
    expect(zeroVal.exitCode).toBe(1);
    expect(zeroVal.message).toMatch(/^--val \/\S*zero\.parquet: not a readable parquet file \(/);
    expect(zeroVal.message.split('zero.parquet')).toHaveLength(2);

    const noTimes = join(dir, 'no-times.csv');
    await writeFile(noTimes, 'PULocationID,DOLocationID,trip_distance,lpep_pickup_datetime\n130,205,3.66,2021-02-01 00:00:00\n');
    const noTimesVal = await refusal(['--train', badTrain, '--val', noTimes, '--output', join(dir, 'x.json')]);
    expect(noTimesVal.message).toMatch(/^--val .*no-times\.csv: no drop-off time column \(lpep_dropoff_datetime, tpep_dropoff_datetime or dropoff_datetime\); training reads /);

    // Empty is an error: a header alone, or nothing at all.
    const headerOnly = join(dir, 'header-only.csv');
    await writeFile(headerOnly, 'PULocationID,DOLocationID,trip_distance,lpep_pickup_datetime,lpep_dropoff_datetime\n');
    const empty = join(dir, 'empty.jsonl');
    await writeFile(empty, '');
    for (const input of [headerOnly, empty]) {
      const error = await refusal(['--train', JAN, '--val', input, '--output', join(dir, 'x.json')]);
      expect(error.exitCode).toBe(1);
      expect(error.message).toBe(`--val ${input}: no rides in the file; give a file with at least one ride`);
    }
  });

  it('--output: a missing folder is refused, not created; an extension other than .json is a usage error', async () => {
    const missing = join(dir, 'nodir', 'model.json');
    const noFolder = await refusal(['--train', JAN, '--val', FEB, '--output', missing]);
    expect(noFolder.exitCode).toBe(1);
    expect(noFolder.message).toMatch(/^--output .*model\.json: the directory .*nodir does not exist; create it first or choose another --output$/);
    expect(existsSync(join(dir, 'nodir'))).toBe(false);

    const text = await refusal(['--train', JAN, '--val', FEB, '--output', join(dir, 'model.txt')]);
    expect(text.exitCode).toBe(2);
    expect(text.message).toMatch(/^--output .*model\.txt: the artifact is JSON; name a \.json file, e\.g\. --output model-artifacts\/lin_reg-ts\.json$/);
    expect(existsSync(join(dir, 'model.txt'))).toBe(false);
  });
});
