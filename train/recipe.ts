/**
 * Training recipes: which features of a prepared ride the trainer's DictVectorizer sees, as the
 * course's Python builds them. Both keep the course's preparation (duration = dropoff − pickup in
 * minutes, 1 ≤ duration ≤ 60) and its LinearRegression; they differ in the feature dict only.
 *
 * - `course` (MLOps Zoomcamp 2021–2022 notebooks, `lin_reg.bin`): `{PU_DO: "<PU>_<DO>", trip_distance}`.
 * - `homework` (`04-deployment/homework`, 2023 and 2024 cohorts, `model.bin`):
 *   `{PULocationID: "<PU>", DOLocationID: "<DO>"}`, location ids as text (`astype('str')`), so
 *   one-hot `PULocationID=130`, `DOLocationID=205`, and no distance.
 *
 * Either artifact serves with no configuration: the function's contract reads `PU_DO` as its
 * built-in derived key and `PULocationID`/`DOLocationID` as ride fields.
 */
import type { FeatureDict } from '../lambda/model/types.js';
import type { TripTable } from './types.js';

export interface TrainingRecipe {
  /** One line for `--help` and the artifact's metadata. */
  readonly description: string;
  /** The feature dict of prepared ride `i`, as the recipe's Python builds it. */
  features(t: TripTable, i: number): FeatureDict;
}

/** The recipes `train --recipe` knows, by name. */
export const TRAINING_RECIPES = {
  course: {
    description: 'DictVectorizer over {PU_DO: "<PU>_<DO>", trip_distance} (the course notebooks, lin_reg.bin)',
    features: (t, i) => ({ PU_DO: `${t.puLocationId[i]}_${t.doLocationId[i]}`, trip_distance: t.tripDistance[i] as number }),
  },
  homework: {
    description: 'DictVectorizer over {PULocationID: "<PU>", DOLocationID: "<DO>"}, ids as text, no distance (04-deployment/homework model.bin)',
    features: (t, i) => ({ PULocationID: String(t.puLocationId[i]), DOLocationID: String(t.doLocationId[i]) }),
  },
} as const satisfies Record<string, TrainingRecipe>;

export type TrainingRecipeName = keyof typeof TRAINING_RECIPES;
