/**
 * Powertools Logger and Metrics, configured once with the service's fixed names.
 *
 * Metrics are EMF lines on stdout. `POWERTOOLS_METRICS_DISABLED=true` (or `POWERTOOLS_DEV=true`)
 * turns them off, which tests and the local pipeline use to keep their output readable.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { DEFAULT_METRICS_NAMESPACE, DEFAULT_SERVICE_NAME } from './config.js';

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

export { MetricUnit };

/** The logging surface the core needs; Powertools' `Logger` satisfies it, and so does a test recorder. */
export interface LogSink {
  debug(message: string, ...extra: Array<Record<string, unknown>>): void;
  info(message: string, ...extra: Array<Record<string, unknown>>): void;
  warn(message: string, ...extra: Array<Record<string, unknown>>): void;
  error(message: string, ...extra: Array<Record<string, unknown>>): void;
}

/** A logger that drops everything. */
export const silentLog: LogSink = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
};

type LogLevel = 'TRACE' | 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT' | 'CRITICAL';
const LOG_LEVELS = new Set<string>(['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT', 'CRITICAL']);

export interface ObservabilityOptions {
  readonly serviceName?: string | undefined;
  readonly metricsNamespace?: string | undefined;
  readonly logLevel?: string | undefined;
}

export function createLogger(options: ObservabilityOptions = {}): Logger {
  const level = options.logLevel?.toUpperCase();
  return new Logger({
    serviceName: options.serviceName ?? DEFAULT_SERVICE_NAME,
    ...(level !== undefined && LOG_LEVELS.has(level) ? { logLevel: level as LogLevel } : {}),
  });
}

export function createMetrics(options: ObservabilityOptions = {}): Metrics {
  return new Metrics({
    serviceName: options.serviceName ?? DEFAULT_SERVICE_NAME,
    namespace: options.metricsNamespace ?? DEFAULT_METRICS_NAMESPACE,
  });
}
