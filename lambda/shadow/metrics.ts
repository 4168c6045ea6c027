/**
 * The shadow's metrics. Its failures go with the function's own metrics (the alarm watches them);
 * the differences go in a separate EMF document with the shadow's version as a dimension, so
 * that two candidates shadowed one after the other are two series.
 */
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { METRIC, MetricUnit } from '../metric-names.js';
import type { ShadowOutcome } from './types.js';

/** Dimension naming the shadow model's version on the difference metrics. */
export const SHADOW_VERSION_DIMENSION = 'ShadowVersion';

/** Adds the shadow's failure counts to the function's metrics (published with them). */
export function addShadowFailureMetrics(metrics: Metrics, outcome: ShadowOutcome | undefined, loadFailures: number): void {
  metrics.addMetric(METRIC.shadowLoadFailures, MetricUnit.Count, loadFailures);
  metrics.addMetric(METRIC.shadowScoringFailures, MetricUnit.Count, outcome?.failed ?? 0);
  metrics.addMetric(METRIC.shadowPairWriteFailures, MetricUnit.Count, outcome?.pairWriteFailed ?? 0);
}

/** Publishes a batch's differences (shadow − main, minutes) under the shadow's version; nothing when none was scored. */
export function publishShadowDifferences(metrics: Metrics, outcome: ShadowOutcome): void {
  const { differences } = outcome;
  if (differences.count === 0) return;
  metrics.addDimension(SHADOW_VERSION_DIMENSION, outcome.version);
  metrics.addMetric(METRIC.shadowRidesCompared, MetricUnit.Count, differences.count);
  metrics.addMetric(METRIC.shadowMeanAbsDiff, MetricUnit.NoUnit, differences.meanAbsolute);
  metrics.addMetric(METRIC.shadowMeanSignedDiff, MetricUnit.NoUnit, differences.meanSigned);
  metrics.addMetric(METRIC.shadowP95AbsDiff, MetricUnit.NoUnit, differences.p95Absolute);
  metrics.publishStoredMetrics();
}
