/**
 * The embedded local pipeline behind `npm start`: kinesalite and s3rver in-process, a Lambda-like
 * Kinesis event-source mapping in front of the real handler, a replay of real rides and the books
 * on what came out. See docs/local.md.
 *
 * ```ts
 * import { runLocalPipeline } from './local/index.js';
 * const summary = await runLocalPipeline({ count: 2000, poison: 0.02 });
 * process.exitCode = summary.ok ? 0 : 1;
 * ```
 *
 * @packageDocumentation
 */
export { runLocalPipeline, LocalPipeline } from './pipeline.js';
export type { LocalPipelineOptions, PipelineEndpoints, PipelineProgress, PipelineSummary } from './pipeline.js';
export { LocalEventSourceMapping, createInvocationContext, toLambdaRecord } from './event-source-mapping.js';
export type {
  EventSourceMappingOptions,
  EventSourceMappingStats,
  InvocationReport,
  KinesisBatchFunction,
  OnFailureRecord,
  StartingPosition,
} from './event-source-mapping.js';
export { startLocalServices, localKinesisClient, localS3Client } from './services.js';
export type { LocalServices, LocalServicesOptions, LocalStream } from './services.js';
export { PredictionReader, readDeadLetters } from './observe.js';
export type { ObservedPrediction } from './observe.js';
export { loadReplay, produce } from './replay.js';
export type { ReplayRecord, ReplayOptions, ProduceOptions, ProduceReport } from './replay.js';
export { reconcile } from './accounting.js';
export type { Accounting, LatencySummary, RecordOutcome } from './accounting.js';
export { formatSummary, formatEndpoints } from './report.js';
export { LocalServicesError, EventSourceMappingError, LocalPipelineError } from './errors.js';
