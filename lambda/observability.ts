/**
 * Powertools Logger and Metrics, configured once with the service's fixed names.
 *
 * Metrics are EMF lines on stdout. `POWERTOOLS_METRICS_DISABLED=true` (or `POWERTOOLS_DEV=true`)
 * turns them off, which tests and the local pipeline use to keep their output readable.
 *
 * Only what builds the two imports Powertools: the metric names and units the handler writes
 * (`metric-names.ts`) and the logging surface (`log-sink.ts`) do not, so that the handler adapter
 * run without them (`invoke`, tests) does not load and compile Powertools (about a tenth of
 * `invoke`'s start-up).
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { DEFAULT_METRICS_NAMESPACE, DEFAULT_SERVICE_NAME } from './config.js';

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
