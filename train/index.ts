/**
 * The trainer: the MLOps Zoomcamp recipes (LinearRegression / Ridge on `PU_DO` one-hots plus
 * `trip_distance`, or the homework's `PULocationID`/`DOLocationID` one-hots) in TypeScript, solved
 * by sparse least squares, written as our native artifact.
 *
 * @example
 * import { readTrips, trainModel, writeNativeModel } from './train/index.js';
 * const result = trainModel(await readTrips(jan), await readTrips(feb));
 * await writeNativeModel('model-artifacts/lin_reg-ts.json', result.model);
 */
export { readTrips, prepareTrips, durationMinutes, MIN_DURATION_MINUTES, MAX_DURATION_MINUTES } from './data.js';
export type { RawTrip } from './data.js';
export { fitVocabulary, transform, DICT_VECTORIZER_SEPARATOR } from './dict-vectorizer.js';
export type { Vocabulary } from './dict-vectorizer.js';
export { fitLinear, predictLinear } from './linear-regression.js';
export type { FitOptions, LinearFit } from './linear-regression.js';
export { lsqr, LSQR_DEFAULTS, LSQR_STOP_REASONS } from './lsqr.js';
export { cgls, CG_DEFAULT_TOL } from './cg.js';
export { centeredOperator, plainOperator, csrMatvec, csrRmatvec, columnMeans } from './sparse.js';
export { rmse } from './metrics.js';
export { toNativeModel, writeNativeModel } from './artifact.js';
export { trainModel, tripFeatures, describeSolve, solveMode } from './train.js';
export type { TrainingResult, TrainOptions, SolveMode } from './train.js';
export { TRAINING_RECIPES } from './recipe.js';
export type { TrainingRecipe, TrainingRecipeName } from './recipe.js';
export { TrainingDataError, SolverError } from './errors.js';
export type { TripTable, CsrMatrix, LinearOperator, SolveResult, SolverName } from './types.js';
