/** Paths and golden-file readers shared by the model suites. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FeatureDict, LoadedModel } from '../../lambda/model/index.js';
import type { RideObject } from '../../lambda/model/contract/index.js';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const fixtures = join(repoRoot, 'test/fixtures');
export const modelFixtures = join(fixtures, 'models');
export const goldenFixtures = join(fixtures, 'golden');
/** The reference data of /work/shared, present on the development machine, absent in a fresh clone. */
export const sharedDir = resolve(repoRoot, '../shared');
export const hasShared = existsSync(join(sharedDir, 'golden')) && existsSync(join(sharedDir, 'models'));

export interface ModelCase {
  /** Golden file stem: `<name>.green_2021-02.csv` in ../shared/golden, `<name>.csv` in the fixtures. */
  readonly name: string;
  /** Model location in the repo (fixture or model-artifacts). */
  readonly fixture: string;
  /** Model location in ../shared/models. */
  readonly shared: string;
  readonly regressor: string;
  readonly anchor: number;
}

export const MODEL_CASES: readonly ModelCase[] = [
  {
    name: 'official-lin_reg',
    fixture: join(repoRoot, 'model-artifacts/lin_reg.bin'),
    shared: join(sharedDir, 'models/official-lin_reg.bin'),
    regressor: 'LinearRegression',
    anchor: 12.78553032985699,
  },
  {
    name: 'official-rf-mlflow',
    fixture: join(modelFixtures, 'official-rf-mlflow'),
    shared: join(sharedDir, 'models/official-rf-mlflow'),
    regressor: 'RandomForestRegressor',
    anchor: 21.294545348333408,
  },
  {
    name: 'linreg-sklearn-1.5.0-numpy2',
    fixture: join(modelFixtures, 'linreg-sklearn-1.5.0-numpy2.bin'),
    shared: join(sharedDir, 'models/linreg-sklearn-1.5.0-numpy2.bin'),
    regressor: 'LinearRegression',
    anchor: 12.265893008827415,
  },
  {
    name: 'lasso-sklearn-1.5.0',
    fixture: join(modelFixtures, 'lasso-sklearn-1.5.0.bin'),
    shared: join(sharedDir, 'models/lasso-sklearn-1.5.0.bin'),
    regressor: 'Lasso',
    anchor: 16.937497536879633,
  },
];

export interface Golden {
  readonly rows: FeatureDict[];
  /** The same rides as a ride event carries them: what the function's contract encodes. */
  readonly rides: RideObject[];
  readonly expected: Float64Array;
}

/**
 * Scores rides as the function does (`processBatch`): the model's contract checks and encodes each
 * ride into its columns, the predictor scores them.
 */
export function scoreRides(model: Pick<LoadedModel, 'predictor' | 'contract'>, rides: readonly RideObject[]): Float64Array {
  const encoder = model.contract.encoder();
  return Float64Array.from(rides, (ride) => {
    const problem = model.contract.check(ride);
    if (problem !== undefined) throw new Error(`the contract refuses a golden ride: ${problem}`);
    return model.predictor.score(encoder.cols, encoder.vals, encoder.encode(ride));
  });
}

/** Reads `PULocationID,DOLocationID,trip_distance,prediction` into course features and predictions. */
export function readGolden(path: string): Golden {
  const lines = readFileSync(path, 'utf8').split('\n');
  if (lines[0]?.trim() !== 'PULocationID,DOLocationID,trip_distance,prediction') throw new Error(`${path}: unexpected header`);
  const rows: FeatureDict[] = [];
  const rides: RideObject[] = [];
  const expected: number[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    if (!line) continue;
    const [pu, dropoff, distance, prediction] = line.split(',');
    rows.push({ PU_DO: `${pu}_${dropoff}`, trip_distance: Number(distance) });
    rides.push({ PULocationID: Number(pu), DOLocationID: Number(dropoff), trip_distance: Number(distance) });
    expected.push(Number(prediction));
  }
  return { rows, rides, expected: Float64Array.from(expected) };
}

export interface Parity {
  readonly maxRelativeError: number;
  readonly mismatches: number;
  readonly rows: number;
}

export function parity(got: Float64Array, expected: Float64Array): Parity {
  let maxRelativeError = 0;
  let mismatches = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i] as number;
    const g = got[i] as number;
    if (g !== e) mismatches++;
    const rel = Math.abs(g - e) / Math.max(Math.abs(e), Number.MIN_VALUE);
    if (!(rel <= maxRelativeError)) maxRelativeError = Number.isNaN(rel) ? Infinity : rel;
  }
  return { maxRelativeError, mismatches, rows: expected.length };
}
