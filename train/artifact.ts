/**
 * Writes our own model artifact (`ride-duration-linear/v1`, defined in
 * `lambda/model/native-format.ts`) that the runtime loads like any pickle.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { NATIVE_MODEL_FORMAT, type NativeLinearModel } from '../lambda/model/native-format.js';
import { DICT_VECTORIZER_SEPARATOR } from './dict-vectorizer.js';

export interface ArtifactInput {
  readonly regressor: 'LinearRegression' | 'Ridge';
  readonly featureNames: readonly string[];
  readonly coef: Float64Array;
  readonly intercept: number;
  readonly metadata: NativeLinearModel['metadata'];
}

/** Builds the artifact object (numbers are float64 and survive JSON round trips exactly). */
export function toNativeModel(input: ArtifactInput): NativeLinearModel {
  if (input.coef.length !== input.featureNames.length) {
    throw new RangeError(`artifact: ${input.coef.length} coefficients for ${input.featureNames.length} features`);
  }
  return {
    format: NATIVE_MODEL_FORMAT,
    regressor: input.regressor,
    featureNames: [...input.featureNames],
    separator: DICT_VECTORIZER_SEPARATOR,
    coef: Array.from(input.coef),
    intercept: input.intercept,
    metadata: input.metadata,
  };
}

/**
 * Writes the artifact as one line of JSON, metadata first so that `head -c` shows where a model
 * came from without scrolling past 13k feature names.
 *
 * @example
 * await writeNativeModel('model-artifacts/lin_reg-ts.json', toNativeModel({...}));
 */
export async function writeNativeModel(path: string, model: NativeLinearModel): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const { metadata, ...rest } = model;
  const ordered = { format: rest.format, regressor: rest.regressor, metadata, separator: rest.separator, intercept: rest.intercept, featureNames: rest.featureNames, coef: rest.coef };
  await writeFile(path, `${JSON.stringify(ordered)}\n`, 'utf8');
}
