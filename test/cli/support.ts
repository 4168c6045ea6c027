/**
 * In-process command runs: a {@link CliIO} that collects stdout and stderr as strings.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import type { CliIO } from '../../cli/io.js';

export interface MemoryIO extends CliIO {
  out(): string;
  err(): string;
}

export function memoryIO(): MemoryIO {
  let out = '';
  let err = '';
  return {
    stdout: { write: (text: string) => (out += text) },
    stderr: { write: (text: string) => (err += text) },
    out: () => out,
    err: () => err,
  };
}

/** Absolute path of a file in the repository. */
export const repoPath = (relative: string): string => fileURLToPath(new URL(`../../${relative}`, import.meta.url));

/** `../shared` next to the repository, present on the development machine, absent in a fresh clone. */
export const sharedPath = (relative: string): string => fileURLToPath(new URL(`../../../shared/${relative}`, import.meta.url));

/** Parses a golden-style CSV into rows of strings (header dropped). */
export function csvRows(text: string): string[][] {
  return text
    .trimEnd()
    .split('\n')
    .slice(1)
    .map((line) => line.split(','));
}

/** |a - b| <= 1e-9 * |b|. */
export function closeTo(actual: number, expected: number): boolean {
  return Math.abs(actual - expected) <= 1e-9 * Math.abs(expected);
}

/** A tiny linear model in our native format (`ride-duration-linear/v1`), optionally with a recipe. */
export interface TinyModel {
  readonly featureNames: readonly string[];
  readonly coef: readonly number[];
  readonly intercept: number;
  readonly separator?: string;
  readonly recipe?: unknown;
}

/**
 * Writes a {@link TinyModel} as a native artifact file and returns its path. Coefficients that are
 * exact binary fractions keep expected predictions exact: a prediction is the sum of the present
 * features' coefficients in column order, plus the intercept.
 *
 * @example
 * // A homework-style model: location ids one-hot as text, no distance.
 * await writeTinyModel(dir, 'homework.json', { featureNames: ['DOLocationID=205', 'PULocationID=130'], coef: [0.5, 1.25], intercept: 24.75 });
 */
export async function writeTinyModel(dir: string, name: string, model: TinyModel): Promise<string> {
  const path = join(dir, name);
  const { recipe, ...rest } = model;
  const artifact = {
    format: 'ride-duration-linear/v1',
    regressor: 'LinearRegression',
    separator: '=',
    ...rest,
    metadata: { createdAt: '2026-12-07T00:00:00.000Z' },
    ...(recipe === undefined ? {} : { recipe }),
  };
  await writeFile(path, `${JSON.stringify(artifact)}\n`, 'utf8');
  return path;
}

/** A model reading the pickup hour (one-hot, through its recipe) and the distance. */
export const HOUR_MODEL: TinyModel = {
  featureNames: ['pickup_hour=0', 'pickup_hour=1', 'trip_distance'],
  coef: [1, 2, 0.5],
  intercept: 10,
  recipe: { format: 'ride-duration-recipe/v1', derived: { pickup_hour: { hour: 'lpep_pickup_datetime' } } },
};

/** The homework-style model of the tests: `PULocationID`/`DOLocationID` one-hot as text, no distance. */
export const HOMEWORK_MODEL: TinyModel = {
  featureNames: ['DOLocationID=205', 'DOLocationID=244', 'PULocationID=130', 'PULocationID=152'],
  coef: [0.5, -2, 1.25, 3],
  intercept: 24.75,
};
