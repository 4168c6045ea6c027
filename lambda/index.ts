/**
 * The function's public surface for the CLI, the local pipeline and the benchmarks.
 *
 * @example
 * ```ts
 * import { createHandler, MemoryDeadLetterSink } from './lambda/index.js';
 * ```
 */
export {
  createHandler,
  ModelUnavailableError,
  DEFAULT_SAFETY_MARGIN_MS,
  type HandlerDependencies,
  type RideHandler,
  type RideHandlerResponse,
} from './handler.js';
export { dependenciesFromConfig, environmentHandler, handler, type EnvironmentOverrides } from './environment.js';
export {
  processBatch,
  type BatchCounts,
  type BatchDependencies,
  type BatchOptions,
  type BatchOutcome,
  type RecordFailure,
  type ServableModel,
  type UnseenValues,
} from './batch.js';
export { ConfigError, ENV, readConfig, type HandlerConfig } from './config.js';
export { createKinesisClient, createS3Client, type ClientOptions } from './aws-clients.js';
export { METRIC } from './metric-names.js';
export { silentLog, type LogSink } from './log-sink.js';
export { createLogger, createMetrics } from './observability.js';
export {
  checkRideEvent,
  decodeRide,
  parseRecordData,
  RideRejection,
  MAX_JSON_DEPTH,
  MAX_RECORD_BYTES,
  type RejectionKind,
} from './ride/decode.js';
export { MODEL_NAME, predictionEvent, type PredictionEvent } from './ride/prediction.js';
export { MAX_RIDE_ID_LENGTH, rideIdProblem, type RideEvent, type RideId } from './ride/schema.js';
export * from './sinks/index.js';
export * from './shadow/index.js';
