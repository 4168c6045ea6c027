/**
 * The function wired from its environment: configuration → SDK clients (`aws-clients.ts`, made once
 * per execution environment) → sinks and model loaders → {@link createHandler}. Apart from
 * `handler.ts` so that the adapter itself, which `invoke`, the tests and the local pipeline run with
 * sinks of their own, loads no AWS SDK.
 */
import type { Context, KinesisStreamEvent } from 'aws-lambda';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import type { S3Client } from '@aws-sdk/client-s3';
import { createKinesisClient, createS3Client } from './aws-clients.js';
import { ConfigError, ENV, readConfig, type HandlerConfig } from './config.js';
import { createHandler, type HandlerDependencies, type RideHandler, type RideHandlerResponse } from './handler.js';
import { loadModel } from './model/load.js';
import { createLogger, createMetrics } from './observability.js';
import { S3ShadowPairSink } from './shadow/s3-pairs.js';
import type { ShadowPairSink } from './shadow/types.js';
import { S3DeadLetterSink } from './sinks/dead-letter.js';
import { KinesisOutputSink } from './sinks/kinesis.js';
import { LogDeadLetterSink } from './sinks/log.js';
import { MemoryDeadLetterSink } from './sinks/memory.js';
import type { DeadLetterSink, OutputSink } from './sinks/types.js';

/** Injected clients and loggers for {@link dependenciesFromConfig} (defaults built from the config). */
export interface EnvironmentOverrides {
  readonly s3?: S3Client;
  readonly kinesis?: KinesisClient;
  readonly logger?: HandlerDependencies['logger'];
  readonly metrics?: Metrics;
  readonly shadowMetrics?: Metrics;
}

/**
 * The production wiring: Kinesis output (none under `TEST_RUN`), dead letters to S3 when
 * `DEAD_LETTER_BUCKET` is set (else memory under `TEST_RUN`, else the log), model from the
 * configured location (checked against `MODEL_SHA256` when set), and with `SHADOW_MODEL_LOCATION`
 * a shadow model whose pairs go under `SHADOW_PAIRS_PREFIX` of the dead-letter bucket. The SDK clients are made here,
 * once (`aws-clients.ts`), unless injected; one S3 client serves the model and the dead letters.
 *
 * @throws {ConfigError} when `PREDICTIONS_STREAM_NAME` is missing outside `TEST_RUN`.
 */
export function dependenciesFromConfig(config: HandlerConfig, overrides: EnvironmentOverrides = {}): HandlerDependencies {
  const logger = overrides.logger ?? createLogger(config);
  const region = config.region;
  const s3 = overrides.s3 ?? createS3Client({ endpoint: config.s3EndpointUrl, region });

  let output: OutputSink | undefined;
  if (!config.testRun) {
    const streamName = config.predictionsStreamName;
    if (streamName === undefined) {
      throw new ConfigError(`${ENV.predictionsStreamName} is required unless ${ENV.testRun}=True`);
    }
    const client = overrides.kinesis ?? createKinesisClient({ endpoint: config.kinesisEndpointUrl, region });
    output = new KinesisOutputSink({ client, streamName, log: logger });
  }

  let deadLetters: DeadLetterSink;
  if (config.deadLetterBucket !== undefined) {
    deadLetters = new S3DeadLetterSink({ client: s3, bucket: config.deadLetterBucket, prefix: config.deadLetterPrefix });
  } else if (config.testRun) {
    deadLetters = new MemoryDeadLetterSink();
  } else {
    logger.warn(`${ENV.deadLetterBucket} is not set: poison records will be written to the log only`);
    deadLetters = new LogDeadLetterSink(logger);
  }

  const location = config.modelLocation;
  const shadowLocation = config.shadowModelLocation;
  let shadowPairs: ShadowPairSink | undefined;
  if (shadowLocation !== undefined && config.deadLetterBucket !== undefined) {
    shadowPairs = new S3ShadowPairSink({ client: s3, bucket: config.deadLetterBucket, prefix: config.shadowPairsPrefix });
  } else if (shadowLocation !== undefined) {
    logger.warn(`${ENV.deadLetterBucket} is not set: the shadow's pairs are not kept, only its difference metrics`);
  }
  return {
    loadModel: async () => {
      if (location === undefined) {
        throw new ConfigError(
          `no model configured: set ${ENV.modelLocation}, or ${ENV.modelBucket} + ${ENV.modelKey}, or ${ENV.modelBucket} + ${ENV.mlflowExperimentId} + ${ENV.runId}`,
        );
      }
      return loadModel(location, { s3, ...(config.modelSha256 === undefined ? {} : { expectedSha256: config.modelSha256 }) });
    },
    runId: config.runId,
    output,
    deadLetters,
    logger,
    metrics: overrides.metrics ?? createMetrics(config),
    ...(shadowLocation === undefined
      ? {}
      : {
          loadShadowModel: () => loadModel(shadowLocation, { s3 }),
          shadowPairs,
          shadowMetrics: overrides.shadowMetrics ?? createMetrics(config),
        }),
  };
}

let fromEnvironment: RideHandler | undefined;

/**
 * The handler wired from the environment (see `lambda/config.ts`), built on first use and then kept
 * for the execution environment's life, with its SDK clients. The deployed entry (`entry.ts`) builds
 * it at init and starts the model load there.
 *
 * @throws {ConfigError} when the environment cannot work
 */
export function environmentHandler(): RideHandler {
  fromEnvironment ??= createHandler(dependenciesFromConfig(readConfig()));
  return fromEnvironment;
}

/** The Lambda handler, wired from the environment on first use (the deployed entry is `entry.ts`). */
export const handler = async (event: KinesisStreamEvent, context: Context): Promise<RideHandlerResponse> =>
  environmentHandler()(event, context); // async: a configuration error becomes a rejected invocation
