/**
 * The metrics the function writes: names (a contract with the CDK dashboard and alarms) and the
 * units it uses. Types only from Powertools: the handler adapter records through an injected
 * `Metrics` and must not load Powertools itself (see `observability.ts`).
 */
import type { Metrics } from '@aws-lambda-powertools/metrics';

/** Powertools' unit type, as `Metrics.addMetric` takes it. */
type Unit = Parameters<Metrics['addMetric']>[1];

/** Metric names, a contract with the CDK dashboard and alarms. */
export const METRIC = {
  recordsIn: 'RecordsIn',
  recordsPredicted: 'RecordsPredicted',
  recordsDeadLettered: 'RecordsDeadLettered',
  outputWriteFailures: 'OutputWriteFailures',
  /** Poison records whose dead-letter write failed (reported in `batchItemFailures`). */
  deadLetterWriteFailures: 'DeadLetterWriteFailures',
  modelLoadMs: 'ModelLoadMs',
  /** Predicted rides with a one-hot value the model never saw (drift; see `UnseenValues` in batch.ts). */
  unseenFeatureValues: 'UnseenFeatureValues',
  /** The same as a percentage of the batch's predicted rides. */
  unseenFeatureShare: 'UnseenFeatureShare',
  /** Failed attempts to load the shadow model (`SHADOW_MODEL_LOCATION`). */
  shadowLoadFailures: 'ShadowLoadFailures',
  /** Rides valid for the production model that the shadow model could not score. */
  shadowScoringFailures: 'ShadowScoringFailures',
  /** Shadow pairs whose S3 write failed. */
  shadowPairWriteFailures: 'ShadowPairWriteFailures',
  /** Per batch, with the `ShadowVersion` dimension: rides scored by both models… */
  shadowRidesCompared: 'ShadowRidesCompared',
  /** …and the mean absolute, mean signed (shadow − main) and p95 absolute difference, in minutes. */
  shadowMeanAbsDiff: 'ShadowMeanAbsDiff',
  shadowMeanSignedDiff: 'ShadowMeanSignedDiff',
  shadowP95AbsDiff: 'ShadowP95AbsDiff',
} as const;

/**
 * The units the function writes, spelled as Powertools' `MetricUnit` (a subset of it).
 *
 * @example
 * ```ts
 * metrics.addMetric(METRIC.recordsIn, MetricUnit.Count, 100);
 * ```
 */
export const MetricUnit = {
  Count: 'Count',
  Percent: 'Percent',
  Milliseconds: 'Milliseconds',
  NoUnit: 'None',
} as const satisfies Record<string, Unit>;
