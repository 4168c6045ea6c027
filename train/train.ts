/**
 * A training recipe end to end: prepare both months, vectorise the recipe's features (the course's
 * `PU_DO` + `trip_distance` by default, see `recipe.ts`), fit, score train and validation, and
 * describe the result for the artifact.
 */
import type { FeatureDict } from '../lambda/model/types.js';
import type { NativeLinearModel } from '../lambda/model/native-format.js';
import { toNativeModel } from './artifact.js';
import { fitVocabulary, transform, type Vocabulary } from './dict-vectorizer.js';
import { LSQR_DEFAULTS } from './lsqr.js';
import { fitLinear, predictLinear, type FitOptions, type LinearFit } from './linear-regression.js';
import { rmse } from './metrics.js';
import { TRAINING_RECIPES, type TrainingRecipeName } from './recipe.js';
import type { TripTable } from './types.js';

/**
 * The feature dicts of a prepared month under a recipe (default: the course's
 * `{PU_DO: "<PU>_<DO>", trip_distance}`).
 */
export function tripFeatures(t: TripTable, recipe: TrainingRecipeName = 'course'): FeatureDict[] {
  const { features } = TRAINING_RECIPES[recipe];
  const rows: FeatureDict[] = new Array(t.duration.length);
  for (let i = 0; i < t.duration.length; i++) rows[i] = features(t, i);
  return rows;
}

/** Options of {@link trainModel}: the solver's and the recipe's. */
export interface TrainOptions extends FitOptions {
  /** Which features the model is trained on (default `course`). */
  readonly recipe?: TrainingRecipeName;
}

export interface TrainingResult {
  readonly vocabulary: Vocabulary;
  readonly fit: LinearFit;
  readonly trainRmse: number;
  readonly valRmse: number;
  readonly trainRows: number;
  readonly valRows: number;
  /** Validation rides with a one-hot value not in the vocabulary (scored without that term), e.g. an unseen `PU_DO`. */
  readonly valUnseen: number;
  readonly model: NativeLinearModel;
}

/**
 * Which solution a fit is: scikit-learn's early-stopped LSQR iterate (`sklearn-early-stop`), a
 * solve run to its own tolerance (`converged`), or one cut off by the iteration cap.
 */
export type SolveMode = 'sklearn-early-stop' | 'converged' | 'iteration-limit';

export function solveMode(fit: LinearFit): SolveMode {
  if (!fit.solve.converged) return 'iteration-limit';
  return fit.solver === 'lsqr' && fit.tol === LSQR_DEFAULTS.atol ? 'sklearn-early-stop' : 'converged';
}

/** One-line statement of what the solve reproduces, printed and stored in metadata. */
export function describeSolve(fit: LinearFit): string {
  if (solveMode(fit) === 'sklearn-early-stop') {
    return `LSQR stopped early by scipy's default tolerances (atol = btol = 1e-6), as scikit-learn's ${fit.alpha > 0 ? 'Ridge(solver="lsqr")' : 'LinearRegression'} does on sparse input: ${fit.solve.stopReason}`;
  }
  return `${fit.solver.toUpperCase()} with tol ${fit.tol}: ${fit.solve.stopReason}${fit.solve.converged ? '' : ' (not converged)'}`;
}

/**
 * Trains on one prepared month and validates on another.
 *
 * @example
 * const result = trainModel(await readTrips(jan), await readTrips(feb));
 * result.valRmse; // sklearn LinearRegression's figure
 */
export function trainModel(train: TripTable, val: TripTable, options: TrainOptions = {}, now: Date = new Date()): TrainingResult {
  const { recipe = 'course', ...fitOptions } = options;
  const trainRows = tripFeatures(train, recipe);
  const vocabulary = fitVocabulary(trainRows);
  const Xtrain = transform(vocabulary, trainRows);
  const fit = fitLinear(Xtrain, train.duration, fitOptions);
  const trainRmse = rmse(train.duration, predictLinear(Xtrain, fit.coef, fit.intercept));
  const valRowsFeatures = tripFeatures(val, recipe);
  const Xval = transform(vocabulary, valRowsFeatures);
  const valRmse = rmse(val.duration, predictLinear(Xval, fit.coef, fit.intercept));
  // Every key of a dict gives one column when its value was seen (numbers always are, zeros included).
  let valUnseen = 0;
  valRowsFeatures.forEach((row, i) => {
    if ((Xval.indptr[i + 1] as number) - (Xval.indptr[i] as number) < Object.keys(row).length) valUnseen++;
  });
  const model = toNativeModel({
    regressor: fit.alpha > 0 ? 'Ridge' : 'LinearRegression',
    featureNames: vocabulary.featureNames,
    coef: fit.coef,
    intercept: fit.intercept,
    metadata: {
      createdAt: now.toISOString(),
      trainer: 'ride-duration train (TypeScript)',
      recipe: `MLOps Zoomcamp ${recipe} recipe: duration = dropoff − pickup (minutes), keep 1 ≤ duration ≤ 60; ${TRAINING_RECIPES[recipe].description}`,
      recipeName: recipe,
      trainData: train.source,
      valData: val.source,
      trainRows: Xtrain.rows,
      valRows: Xval.rows,
      alpha: fit.alpha,
      solver: fit.solver,
      tol: fit.tol,
      iterations: fit.solve.iterations,
      stopCode: fit.solve.stopCode,
      solveMode: solveMode(fit),
      stoppingRule: describeSolve(fit),
      trainRmse,
      valRmse,
    },
  });
  return { vocabulary, fit, trainRmse, valRmse, trainRows: Xtrain.rows, valRows: Xval.rows, valUnseen, model };
}
