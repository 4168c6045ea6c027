/**
 * Shadow scoring's public surface: a candidate model beside the production one (see types.ts).
 *
 * @example
 * ```ts
 * import { ShadowLoader, S3ShadowPairSink } from './shadow/index.js';
 * ```
 */
export type { DifferenceStats, ShadowOutcome, ShadowPair, ShadowPairSink } from './types.js';
export { ShadowBatch, type Shadow } from './batch.js';
export { ShadowLoader, SHADOW_RETRY_MS } from './loader.js';
export { S3ShadowPairSink, pairsToJsonLines, type S3ShadowPairSinkOptions } from './s3-pairs.js';
export { addShadowFailureMetrics, publishShadowDifferences, SHADOW_VERSION_DIMENSION } from './metrics.js';
export {
  differenceStats,
  ErrorAccumulator,
  nearestRank,
  type ErrorStats,
} from './stats.js';
