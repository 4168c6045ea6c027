/**
 * Reads the generated scikit-learn fixtures of test/fixtures/models/generated/ (see generate.py
 * there): the manifest describing each model and the predictions scikit-learn 1.2.1 made for it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { FeatureDict } from '../../lambda/model/types.js';

export const GENERATED_DIR = join(import.meta.dirname, '..', 'fixtures', 'models', 'generated');

/** One model entry of manifest.json (written by generate.py). */
export interface GeneratedModel {
  readonly name: string;
  /** Model file relative to GENERATED_DIR (`model.pkl` inside the folder for MLflow). */
  readonly file: string;
  /** MLflow folder relative to GENERATED_DIR, for `format: "mlflow"` only. */
  readonly directory?: string;
  readonly expected: string;
  readonly bytes: number;
  readonly sha256: string;
  readonly protocol: number;
  readonly opcodes: readonly string[];
  readonly globals: readonly string[];
  readonly format: 'pickle-tuple' | 'pickle-pipeline' | 'mlflow';
  readonly regressor: string;
  readonly featureCount: number;
  /** MLflow run id, for `format: "mlflow"` only. */
  readonly version?: string;
  readonly nodeBytes?: number;
  /** How the file departs from what scikit-learn 1.2.1 itself writes (`nodes64`, `numpy2`). */
  readonly crafted?: string;
  /** What the variant exercises (DictVectorizer settings, intercept, target shape). */
  readonly note?: string;
}

/** A real scikit-learn pickle the runtime must refuse (manifest.json `unsupported`). */
export interface UnsupportedModel {
  readonly file: string;
  readonly reason: string;
  readonly globals: readonly string[];
  /** `module.qualname` the refusal must name, when the cause is a global outside the allow-list. */
  readonly refusedGlobal?: string;
}

export interface GeneratedManifest {
  readonly sklearnVersion: string;
  readonly scoreRows: number;
  readonly unseenRide: readonly [number, number, number];
  readonly unsupported: readonly UnsupportedModel[];
  readonly models: readonly GeneratedModel[];
}

export interface ExpectedRow {
  readonly pu: number;
  readonly do: number;
  readonly tripDistance: number;
  readonly features: FeatureDict;
  readonly prediction: number;
}

export function readManifest(): GeneratedManifest {
  return JSON.parse(readFileSync(join(GENERATED_DIR, 'manifest.json'), 'utf8')) as GeneratedManifest;
}

/** Rows of `<name>.expected.csv`; floats are Python reprs, which `Number` parses to the same double. */
export function readExpected(model: GeneratedModel): ExpectedRow[] {
  const lines = readFileSync(join(GENERATED_DIR, model.expected), 'utf8').trimEnd().split('\n');
  if (lines[0] !== 'PULocationID,DOLocationID,trip_distance,prediction') {
    throw new Error(`${model.expected}: unexpected header ${lines[0]}`);
  }
  return lines.slice(1).map((line) => {
    const [pu, dropoff, distance, prediction] = line.split(',');
    const row = {
      pu: Number(pu),
      do: Number(dropoff),
      tripDistance: Number(distance),
      prediction: Number(prediction),
    };
    return { ...row, features: { PU_DO: `${row.pu}_${row.do}`, trip_distance: row.tripDistance } };
  });
}

/** Largest |got - want| / |want| over all rows (0 when every value is bit-identical). */
export function maxRelativeError(got: ArrayLike<number>, want: readonly ExpectedRow[]): number {
  let max = 0;
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!.prediction;
    const g = got[i]!;
    const err = g === w ? 0 : Math.abs(g - w) / Math.max(Math.abs(w), Number.MIN_VALUE);
    if (!(err <= max)) max = err; // NaN propagates as a failure
  }
  return max;
}
