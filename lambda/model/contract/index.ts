/**
 * The model contract: what a model reads and where each key comes from in a ride.
 *
 * @example
 * ```ts
 * import { deriveContract } from './model/contract/index.js';
 * const contract = deriveContract(predictor.features); // throws ModelContractError if it cannot be served
 * contract.check({ PULocationID: 130 }); // 'ride.DOLocationID: missing; ride.trip_distance: missing'
 * const encoder = contract.encoder();
 * const n = encoder.encode({ PULocationID: 130, DOLocationID: 205, trip_distance: 3.66 });
 * predictor.score(encoder.cols, encoder.vals, n); // 12.78553032985699
 * ```
 */
export { deriveContract, describeInputs, RideContract, RideEncoder, type RideObject } from './contract.js';
export { fieldProblem, MAX_TEXT_LENGTH, RIDE_START_FIELDS, wallClock, type WallClock } from './fields.js';
export { COURSE_DERIVED, DEFAULT_RECIPE, parseRecipe, RECIPE_FORMAT, withSignatureFields } from './recipe.js';
export { UnseenTally, type UnseenValues } from './unseen.js';
export type { ContractInput, ContractSummary, Derivation, FieldType, InputKind, Recipe, RideField } from './types.js';
