/**
 * Every environment variable the function reads, parsed in one place.
 *
 * The names are a fixed contract with the CDK stack, the local pipeline and the CLI; nothing else
 * in `lambda/` reads `process.env`.
 */

/** Environment variable names, named once. */
export const ENV = {
  predictionsStreamName: 'PREDICTIONS_STREAM_NAME',
  runId: 'RUN_ID',
  testRun: 'TEST_RUN',
  modelLocation: 'MODEL_LOCATION',
  modelBucket: 'MODEL_BUCKET',
  modelKey: 'MODEL_KEY',
  mlflowExperimentId: 'MLFLOW_EXPERIMENT_ID',
  modelSha256: 'MODEL_SHA256',
  /** A candidate model scored beside the production one (same forms as `MODEL_LOCATION`). */
  shadowModelLocation: 'SHADOW_MODEL_LOCATION',
  /** Key prefix of the shadow pairs in the dead-letter bucket. */
  shadowPairsPrefix: 'SHADOW_PAIRS_PREFIX',
  kinesisEndpointUrl: 'KINESIS_ENDPOINT_URL',
  s3EndpointUrl: 'S3_ENDPOINT_URL',
  deadLetterBucket: 'DEAD_LETTER_BUCKET',
  deadLetterPrefix: 'DEAD_LETTER_PREFIX',
  serviceName: 'POWERTOOLS_SERVICE_NAME',
  metricsNamespace: 'POWERTOOLS_METRICS_NAMESPACE',
  logLevel: 'LOG_LEVEL',
  region: 'AWS_REGION',
  // Set by Lambda: the function's name, i.e. inside Lambda at all.
  functionName: 'AWS_LAMBDA_FUNCTION_NAME',
} as const;

/** Region used when neither the options nor `AWS_REGION` name one (local endpoints only care that one is set). */
export const DEFAULT_REGION = 'us-east-1';

export const DEFAULT_DEAD_LETTER_PREFIX = 'dead-letters/';
export const DEFAULT_SHADOW_PAIRS_PREFIX = 'shadow/';
export const DEFAULT_SERVICE_NAME = 'ride-duration-stream';
export const DEFAULT_METRICS_NAMESPACE = 'RideDurationStream';

/** The function's configuration, as read from the environment. */
export interface HandlerConfig {
  /** Output stream; required unless {@link HandlerConfig.testRun}. */
  readonly predictionsStreamName: string | undefined;
  /** `version` written in every output event; when absent the model's own version id is used. */
  readonly runId: string | undefined;
  /** Course semantics: `TEST_RUN=True` means no Kinesis writes, predictions returned in the response. */
  readonly testRun: boolean;
  /**
   * Where the model lives: `s3://bucket/key`, `s3://bucket/prefix/` (an MLflow model folder) or a local
   * path. Resolved from `MODEL_LOCATION`, else `MODEL_BUCKET` + `MODEL_KEY`, else the course layout
   * `s3://{MODEL_BUCKET}/{MLFLOW_EXPERIMENT_ID}/{RUN_ID}/artifacts/model/`. `undefined` when none is set.
   */
  readonly modelLocation: string | undefined;
  /** Expected sha256 (hex) of the model bytes, checked at load. */
  readonly modelSha256: string | undefined;
  readonly kinesisEndpointUrl: string | undefined;
  readonly s3EndpointUrl: string | undefined;
  /** S3 bucket for poison records; when absent (local invoke) they are kept in memory and returned. */
  readonly deadLetterBucket: string | undefined;
  /** Key prefix for dead-letter objects, always ending in `/` (default `dead-letters/`). */
  readonly deadLetterPrefix: string;
  /**
   * The shadow model: `s3://bucket/key`, `s3://bucket/prefix/` or a local path, scored beside the
   * production model without changing the output. `undefined`: no shadow.
   */
  readonly shadowModelLocation: string | undefined;
  /** Key prefix of the shadow pairs in the dead-letter bucket, ending in `/` (default `shadow/`). */
  readonly shadowPairsPrefix: string;
  readonly serviceName: string;
  readonly metricsNamespace: string;
  readonly logLevel: string | undefined;
  readonly region: string | undefined;
}

/** A configuration value that cannot work; thrown by {@link readConfig}. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

type Env = Readonly<Record<string, string | undefined>>;

function value(env: Env, name: string): string | undefined {
  const raw = env[name]?.trim();
  return raw === undefined || raw === '' ? undefined : raw;
}

/** `True` as the course writes it; `true`, `1` and `yes` are accepted too. */
export function parseFlag(raw: string | undefined): boolean {
  return raw !== undefined && /^(true|1|yes)$/i.test(raw.trim());
}

/** Resolves the model location from the three supported ways of naming it. */
export function resolveModelLocation(env: Env): string | undefined {
  const location = value(env, ENV.modelLocation);
  if (location !== undefined) return location;
  const bucket = value(env, ENV.modelBucket);
  if (bucket === undefined) return undefined;
  const key = value(env, ENV.modelKey);
  if (key !== undefined) return `s3://${bucket}/${key.replace(/^\/+/, '')}`;
  const experiment = value(env, ENV.mlflowExperimentId);
  const runId = value(env, ENV.runId);
  if (experiment !== undefined && runId !== undefined) {
    return `s3://${bucket}/${experiment}/${runId}/artifacts/model/`;
  }
  throw new ConfigError(
    `${ENV.modelBucket} is set but neither ${ENV.modelKey} nor ${ENV.mlflowExperimentId} + ${ENV.runId} are`,
  );
}

/** Whether this process is a Lambda execution environment (Lambda sets the function's name). */
export function inLambda(env: Env = process.env): boolean {
  return value(env, ENV.functionName) !== undefined;
}

/** A sha256 setting: 64 hex digits, lower-cased; undefined when unset. */
function sha256Setting(env: Env, name: string): string | undefined {
  const sha = value(env, name);
  if (sha !== undefined && !/^[0-9a-fA-F]{64}$/.test(sha)) {
    throw new ConfigError(`${name} must be 64 hex digits, got ${JSON.stringify(sha)}`);
  }
  return sha?.toLowerCase();
}

/** An S3 key prefix setting: no leading `/`, ending in `/` unless empty. */
function keyPrefix(env: Env, name: string, fallback: string): string {
  const prefix = (value(env, name) ?? fallback).replace(/^\/+/, '');
  return prefix !== '' && !prefix.endsWith('/') ? `${prefix}/` : prefix;
}

/**
 * Reads the configuration from an environment (default `process.env`).
 *
 * @example
 * ```ts
 * const config = readConfig({ TEST_RUN: 'True', MODEL_LOCATION: 'model-artifacts/lin_reg.bin' });
 * config.testRun; // true
 * ```
 * @throws {ConfigError} when a value is present but unusable.
 */
export function readConfig(env: Env = process.env): HandlerConfig {
  const sha = sha256Setting(env, ENV.modelSha256);
  return {
    predictionsStreamName: value(env, ENV.predictionsStreamName),
    runId: value(env, ENV.runId),
    testRun: parseFlag(env[ENV.testRun]),
    modelLocation: resolveModelLocation(env),
    modelSha256: sha,
    kinesisEndpointUrl: value(env, ENV.kinesisEndpointUrl),
    s3EndpointUrl: value(env, ENV.s3EndpointUrl),
    deadLetterBucket: value(env, ENV.deadLetterBucket),
    deadLetterPrefix: keyPrefix(env, ENV.deadLetterPrefix, DEFAULT_DEAD_LETTER_PREFIX),
    shadowModelLocation: value(env, ENV.shadowModelLocation),
    shadowPairsPrefix: keyPrefix(env, ENV.shadowPairsPrefix, DEFAULT_SHADOW_PAIRS_PREFIX),
    serviceName: value(env, ENV.serviceName) ?? DEFAULT_SERVICE_NAME,
    metricsNamespace: value(env, ENV.metricsNamespace) ?? DEFAULT_METRICS_NAMESPACE,
    logLevel: value(env, ENV.logLevel),
    region: value(env, ENV.region) ?? value(env, 'AWS_DEFAULT_REGION'),
  };
}
