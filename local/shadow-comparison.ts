/**
 * The shadow comparison of a local replay: the replayed rides' actual durations are known (drop-off
 * − pick-up), so each model's RMSE and MAE against them is, on the rides of 1–60 minutes the course
 * trains on, beside the mean absolute difference between the two models and how many rides each scored.
 */
import type { ModelDescription } from '../lambda/model/types.js';
import { differenceStats, ErrorAccumulator } from '../lambda/shadow/stats.js';
import { inCourseRange } from '../train/data.js';
import type { ShadowPair } from '../lambda/shadow/types.js';
import type { ObservedPrediction } from './observe.js';
import type { ReplayRecord } from './replay.js';

/** One model's line of the comparison. */
export interface ModelScore {
  readonly role: 'main' | 'shadow';
  readonly version: string;
  /** Distinct rides it scored. */
  readonly scored: number;
  /** Of those, rides with an actual duration of 1–60 minutes: the RMSE and MAE are over these. */
  readonly evaluated: number;
  readonly rmse: number;
  readonly mae: number;
}

/** The shadow part of `npm start`'s summary. */
export interface ShadowComparison {
  readonly location: string;
  readonly model: ModelDescription | undefined;
  /** Why the shadow model did not load, if it did not. */
  readonly loadError?: string;
  /** Rides valid for the production model that the shadow could not score (as counted by the handler). */
  readonly scoringFailures: number;
  /** Mean |shadow − main| over the rides both scored (minutes). */
  readonly meanAbsoluteDifference: number;
  /** Production model first, then the shadow. */
  readonly models: readonly ModelScore[];
}

function score(role: ModelScore['role'], version: string, predictions: ReadonlyMap<string, number>, actual: ReadonlyMap<string, number>): ModelScore {
  const errors = new ErrorAccumulator();
  for (const [key, predicted] of predictions) {
    const minutes = actual.get(key);
    if (minutes !== undefined && inCourseRange(minutes)) errors.add(predicted, minutes);
  }
  const { count, rmse, mae } = errors.stats();
  return { role, version, scored: predictions.size, evaluated: count, rmse, mae };
}

/**
 * Joins the replayed rides, the predictions read from the output stream and the shadow pairs read
 * from S3 on the ride id (re-deliveries counted once).
 */
export function compareShadow(
  records: readonly ReplayRecord[],
  predictions: readonly ObservedPrediction[],
  pairs: readonly ShadowPair[],
  shadow: Pick<ShadowComparison, 'location' | 'model' | 'loadError' | 'scoringFailures'>,
): ShadowComparison {
  const actual = new Map<string, number>();
  for (const record of records) if (record.actualMinutes !== undefined) actual.set(record.key, record.actualMinutes);
  const main = new Map<string, number>();
  let mainVersion = '';
  for (const { key, event } of predictions) {
    main.set(key, event.prediction.ride_duration);
    mainVersion = event.version;
  }
  const byRide = new Map<string, ShadowPair>();
  for (const pair of pairs) byRide.set(String(pair.ride_id), pair);
  const shadowPredictions = new Map<string, number>();
  for (const [key, pair] of byRide) shadowPredictions.set(key, pair.shadow_prediction);
  const both = [...byRide.values()];
  const differences = differenceStats(both.map((p) => p.main_prediction), both.map((p) => p.shadow_prediction));
  return {
    ...shadow,
    meanAbsoluteDifference: differences.count === 0 ? Number.NaN : differences.meanAbsolute,
    models: [
      score('main', mainVersion, main, actual),
      score('shadow', both[0]?.shadow_version ?? shadow.model?.version ?? 'not loaded', shadowPredictions, actual),
    ],
  };
}
